//! Organization settings (rename: admin) and detection-rule tuning (SOC lead and above): the
//! same use cases as `PATCH /organization` and `PATCH /detection-rules/{rule}`.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::detection::RuleKind;
use xdr_domain::identity::Role;
use xdr_service::RuleChange;

use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct RuleRow {
    name: &'static str,
    enabled: bool,
    threshold: u32,
    window_seconds: u32,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    organization: String,
    is_admin: bool,
    rules: Vec<RuleRow>,
    message: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

pub(crate) async fn show(
    state: web::Data<ConsoleState>,
    signed: Signed,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, ConsoleError> {
    signed.require(Role::SocLead)?;
    let principal = &signed.principal;
    let organization = state.services.admin.organization(principal).await?;
    let rules = state.services.detection.rules(principal).await?;
    let page = SettingsPage {
        layout: Layout::signed(&state, &signed, "Settings", "settings"),
        organization: organization.name.as_str().to_owned(),
        is_admin: principal.role.satisfies(Role::Admin),
        rules: rules
            .iter()
            .map(|(rule, s)| RuleRow {
                name: rule.as_str(),
                enabled: s.enabled,
                threshold: s.threshold,
                window_seconds: s.window_seconds,
            })
            .collect(),
        message: query.saved.as_ref().map(|_| "Saved."),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

#[derive(Debug, Deserialize)]
pub(crate) struct RenameForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    name: String,
}

pub(crate) async fn rename(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    form: web::Form<RenameForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Admin)?;
    state
        .services
        .admin
        .rename_organization(&signed.principal, &form.name)
        .await?;
    Ok(render::see_other("/settings?saved=1", &[]))
}

#[derive(Debug, Deserialize)]
pub(crate) struct RuleForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    enabled: Option<String>,
    threshold: Option<String>,
    window_seconds: Option<String>,
}

fn number(value: Option<&String>, what: &str) -> Result<Option<u32>, ConsoleError> {
    match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| ConsoleError::BadRequest(format!("The {what} must be a whole number."))),
    }
}

pub(crate) async fn tune(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    rule: web::Path<String>,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::SocLead)?;
    let rule = RuleKind::from_str(&rule).map_err(|_| ConsoleError::NotFound)?;
    let enabled = match form.enabled.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(ConsoleError::BadRequest(format!(
                "{other:?} is neither true nor false."
            )));
        }
    };
    let change = RuleChange {
        enabled,
        threshold: number(form.threshold.as_ref(), "threshold")?,
        window_seconds: number(form.window_seconds.as_ref(), "window")?,
    };
    state
        .services
        .detection
        .update_rule(&signed.principal, rule, change)
        .await?;
    Ok(render::see_other("/settings?saved=1", &[]))
}
