//! The onboarding wizard (admins): profile → network scan with live progress → deployment
//! plan → enrollment token with its install commands, and agents appearing live → validation
//! → complete. The same use cases as `/api/v1/onboarding`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::PageRequest;
use xdr_domain::identity::Role;
use xdr_domain::onboarding::{
    AgentPlatform, CompanySize, OnboardingStep, Profile, ScanRequest, TokenRequest,
};
use xdr_service::onboarding::{IssuedToken, Validation, WizardView};

use super::format::time;
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct ScanView {
    status: &'static str,
    total: u64,
    scanned: u64,
    found: u64,
    error: Option<String>,
}

struct PlanRow {
    ip: String,
    priority: &'static str,
    platform: &'static str,
    reason: String,
}

struct Install {
    linux: String,
    docker: String,
    expires: String,
}

struct Check {
    name: &'static str,
    passed: bool,
    detail: String,
}

#[derive(Template)]
#[template(path = "onboarding.html")]
struct OnboardingPage {
    layout: Layout,
    status: &'static str,
    step: &'static str,
    steps: Vec<(&'static str, &'static str)>,
    sizes: Vec<&'static str>,
    platforms: Vec<&'static str>,
    scan: Option<ScanView>,
    scan_running: bool,
    plan: Vec<PlanRow>,
    install: Option<Install>,
    checks: Vec<Check>,
    message: Option<String>,
}

/// What a POST adds to the page it answers with.
#[derive(Default)]
struct Extra {
    install: Option<IssuedToken>,
    validation: Option<Validation>,
}

async fn page(
    state: &ConsoleState,
    req: &HttpRequest,
    signed: &Signed,
    extra: Extra,
) -> Result<HttpResponse, ConsoleError> {
    signed.require(Role::Admin)?;
    let onboarding = &state.services.onboarding;
    let principal = &signed.principal;
    let client = (state.config.client)(req);
    let view: WizardView = onboarding.status(principal, &client).await?;
    let step = view.current_step;
    let scan = onboarding
        .list_scans(principal, PageRequest::new(None, Some(1)))
        .await?
        .items
        .into_iter()
        .next();
    let plan = if matches!(step, OnboardingStep::Agents | OnboardingStep::Validation) {
        onboarding.deployment_plan(principal).await?
    } else {
        Vec::new()
    };
    let steps = OnboardingStep::ALL
        .iter()
        .filter(|s| **s != OnboardingStep::Done)
        .map(|s| {
            let state = if view.completed_steps.contains(s) {
                "done"
            } else if *s == step {
                "current"
            } else {
                "todo"
            };
            (s.as_str(), state)
        })
        .collect();
    let page = OnboardingPage {
        layout: Layout::signed(state, signed, "Onboarding", "onboarding"),
        status: view.status.as_str(),
        step: step.as_str(),
        steps,
        sizes: CompanySize::ALL.iter().map(|s| s.as_str()).collect(),
        platforms: AgentPlatform::ALL
            .iter()
            .filter(|p| **p != AgentPlatform::None)
            .map(|p| p.as_str())
            .collect(),
        scan_running: scan.as_ref().is_some_and(|s| s.status.is_active()),
        scan: scan.map(|s| ScanView {
            status: s.status.as_str(),
            total: s.hosts_total,
            scanned: s.hosts_scanned,
            found: s.found,
            error: s.error,
        }),
        plan: plan
            .into_iter()
            .map(|p| PlanRow {
                ip: p.ip.to_string(),
                priority: p.priority.as_str(),
                platform: p.recommended_platform.as_str(),
                reason: p.reason,
            })
            .collect(),
        install: extra.install.map(|t| Install {
            linux: t.install_scripts.linux,
            docker: t.install_scripts.docker,
            expires: format!("{} UTC", time(t.expires_at)),
        }),
        checks: extra
            .validation
            .map(|v| {
                v.checks
                    .into_iter()
                    .map(|c| Check {
                        name: c.name,
                        passed: c.passed,
                        detail: c.detail,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        message: None,
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

pub(crate) async fn show(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    page(&state, &req, &signed, Extra::default()).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct StepForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    region: Option<String>,
    industry: Option<String>,
    company_size: Option<String>,
    ranges: Option<String>,
    ports: Option<String>,
    platform: Option<String>,
    label: Option<String>,
}

/// `POST /onboarding/{action}`: one handler, one wizard operation per action.
pub(crate) async fn act(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    action: web::Path<String>,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Admin)?;
    let onboarding = &state.services.onboarding;
    let principal = &signed.principal;
    let client = (state.config.client)(&req);
    let form = form.into_inner();
    let text = |v: Option<String>| v.unwrap_or_default();
    let mut extra = Extra::default();
    match action.as_str() {
        "start" => {
            onboarding.start(principal, &client).await?;
        }
        "profile" => {
            let profile = Profile::parse(
                &text(form.region),
                &text(form.industry),
                &text(form.company_size),
            )
            .map_err(|e| ConsoleError::invalid(&e))?;
            onboarding.set_profile(principal, &client, profile).await?;
        }
        "scan" => {
            let ports = parse_ports(form.ports.as_deref())?;
            let request = ScanRequest {
                network_ranges: text(form.ranges)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                ports,
                exclude: Vec::new(),
            };
            onboarding.start_scan(principal, &client, &request).await?;
        }
        "token" => {
            let request = TokenRequest {
                platform: text(form.platform),
                expires_in_hours: None,
                max_uses: None,
                label: form.label.filter(|l| !l.trim().is_empty()),
            };
            extra.install = Some(onboarding.issue_token(principal, &client, &request).await?);
        }
        "validate" => extra.validation = Some(onboarding.validate(principal).await?),
        "complete" => {
            onboarding.complete(principal, &client, false).await?;
        }
        _ => return Err(ConsoleError::NotFound),
    }
    if extra.install.is_none() && extra.validation.is_none() {
        return Ok(render::see_other("/onboarding", &[]));
    }
    page(&state, &req, &signed, extra).await
}

fn parse_ports(raw: Option<&str>) -> Result<Option<Vec<i64>>, ConsoleError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.split(',')
        .map(|p| {
            p.trim()
                .parse::<i64>()
                .map_err(|_| ConsoleError::BadRequest(format!("{:?} is not a port.", p.trim())))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
