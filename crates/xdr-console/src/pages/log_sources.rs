//! Log sources (agentless ingest) with what they received and rejected; SOC leads add sources
//! and issue ingest tokens (shown once) and revoke them. The same use cases as
//! `/api/v1/log-sources` and its `ingest-tokens`.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::identity::Role;
use xdr_domain::inventory::{IngestStatus, IngestTokenInput, LogSource, LogSourceInput};
use xdr_domain::pagination::MAX_PAGE_LIMIT;
use xdr_domain::{IngestTokenId, LogSourceId, PageRequest};

use super::format::{or_dash, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct SourceRow {
    id: String,
    name: String,
    source_type: &'static str,
    hostname: String,
    enabled: bool,
    received: u64,
    parsed: u64,
    rejected: u64,
    last_event: String,
    last_error: Option<String>,
}

fn row(s: &LogSource, status: Option<&IngestStatus>) -> SourceRow {
    let status = status.cloned().unwrap_or_default();
    SourceRow {
        id: s.id.to_string(),
        name: s.name.clone(),
        source_type: s.source_type.as_str(),
        hostname: or_dash(s.hostname.as_deref()),
        enabled: s.enabled,
        received: status.received,
        parsed: status.parsed,
        rejected: status.rejected,
        last_event: status
            .last_event_at
            .map(time)
            .unwrap_or_else(|| "never".to_owned()),
        last_error: status.last_error,
    }
}

#[derive(Template)]
#[template(path = "log_sources.html")]
struct SourcesPage {
    layout: Layout,
    sources: Vec<SourceRow>,
    can_write: bool,
    types: Vec<&'static str>,
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let principal = &signed.principal;
    let page = PageRequest::new(None, Some(MAX_PAGE_LIMIT));
    let sources = state
        .services
        .inventory
        .list_log_sources(principal, page)
        .await?;
    let ids = sources.items.iter().map(|s| s.id).collect();
    let statuses: BTreeMap<LogSourceId, IngestStatus> =
        state.services.ingest.statuses(principal, ids).await?;
    let page = SourcesPage {
        layout: Layout::signed(&state, &signed, "Log sources", "log-sources"),
        sources: sources
            .items
            .iter()
            .map(|s| row(s, statuses.get(&s.id)))
            .collect(),
        can_write: principal.role.satisfies(Role::SocLead),
        types: xdr_domain::inventory::LogSourceType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect(),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

#[derive(Debug, Deserialize)]
pub(crate) struct SourceForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    name: String,
    source_type: String,
    hostname: Option<String>,
}

pub(crate) async fn create(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    form: web::Form<SourceForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::SocLead)?;
    let form = form.into_inner();
    let input = LogSourceInput {
        name: form.name,
        source_type: form.source_type,
        hostname: form.hostname.filter(|h| !h.trim().is_empty()),
        description: None,
        enabled: None,
    };
    let created = state
        .services
        .inventory
        .create_log_source(&signed.principal, input)
        .await?;
    Ok(render::see_other(
        &format!("/log-sources/{}", created.id),
        &[],
    ))
}

struct TokenRow {
    id: String,
    label: String,
    created: String,
    expires: String,
    last_used: String,
    state: &'static str,
    active: bool,
}

struct Issued {
    token: String,
    example: String,
}

#[derive(Template)]
#[template(path = "log_source.html")]
struct SourcePage {
    layout: Layout,
    source: SourceRow,
    can_write: bool,
    tokens: Vec<TokenRow>,
    issued: Option<Issued>,
}

fn source_id(raw: &str) -> Result<LogSourceId, ConsoleError> {
    super::path_id(raw).map(LogSourceId::from_uuid)
}

async fn source_page(
    state: &ConsoleState,
    req: &HttpRequest,
    signed: &Signed,
    id: LogSourceId,
    issued: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let principal = &signed.principal;
    let source = state.services.inventory.log_source(principal, id).await?;
    let statuses = state.services.ingest.statuses(principal, vec![id]).await?;
    let can_write = principal.role.satisfies(Role::SocLead);
    let now = chrono::Utc::now();
    let tokens = if can_write {
        state.services.ingest.list_tokens(principal, id).await?
    } else {
        Vec::new()
    };
    let base = {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    };
    let page = SourcePage {
        layout: Layout::signed(state, signed, &source.name, "log-sources"),
        source: row(&source, statuses.get(&id)),
        can_write,
        tokens: tokens
            .iter()
            .map(|t| {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "active"
                };
                TokenRow {
                    id: t.id.to_string(),
                    label: or_dash(t.label.as_deref()),
                    created: time(t.created_at),
                    expires: t.expires_at.map(time).unwrap_or_else(|| "never".to_owned()),
                    last_used: t.last_used_at.map(time).unwrap_or_else(|| "never".to_owned()),
                    state,
                    active: state == "active",
                }
            })
            .collect(),
        issued: issued.map(|token| Issued {
            example: format!(
                "curl -s {base}/services/collector/event -H 'Authorization: Splunk {token}' \
                 -d '{{\"event\": {{\"eventid\": \"cowrie.login.failed\", \"src_ip\": \"203.0.113.9\"}}}}'"
            ),
            token,
        }),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

pub(crate) async fn show(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    source_page(&state, &req, &signed, source_id(&id)?, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    label: Option<String>,
}

pub(crate) async fn issue(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::SocLead)?;
    let id = source_id(&id)?;
    let input = IngestTokenInput {
        label: form.label.clone().filter(|l| !l.trim().is_empty()),
        expires_at: None,
    };
    let client = (state.config.client)(&req);
    let issued = state
        .services
        .ingest
        .issue_token(&signed.principal, &client, id, &input)
        .await?;
    let token = issued.token.expose().to_owned();
    source_page(&state, &req, &signed, id, Some(token)).await
}

pub(crate) async fn revoke(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    path: web::Path<(String, String)>,
    form: web::Form<super::CsrfForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::SocLead)?;
    let (source, token) = path.into_inner();
    let source = source_id(&source)?;
    let token = IngestTokenId::from_uuid(super::path_id(&token)?);
    let client = (state.config.client)(&req);
    state
        .services
        .ingest
        .revoke_token(&signed.principal, &client, source, token)
        .await?;
    Ok(render::see_other(&format!("/log-sources/{source}"), &[]))
}
