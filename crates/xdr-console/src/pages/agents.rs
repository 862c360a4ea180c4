//! Enrolled agents with their status; an admin may revoke one (the same use case as
//! `POST /agents/{id}/revoke`).

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::agents::AgentStatus;
use xdr_domain::identity::Role;
use xdr_domain::{AgentId, PageRequest};
use xdr_service::AgentView;

use super::CsrfForm;
use super::format::{filled, or_dash, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct AgentRow {
    id: String,
    hostname: String,
    status: &'static str,
    ip: String,
    version: String,
    last_seen: String,
    revocable: bool,
}

impl From<&AgentView> for AgentRow {
    fn from(v: &AgentView) -> Self {
        let a = &v.agent;
        Self {
            id: a.id.to_string(),
            hostname: a.hostname.clone(),
            status: v.status.as_str(),
            ip: or_dash(a.ip_address.as_deref()),
            version: or_dash(a.agent_version.as_deref()),
            last_seen: a
                .last_seen_at
                .map(time)
                .unwrap_or_else(|| "never".to_owned()),
            revocable: matches!(
                v.status,
                AgentStatus::Pending | AgentStatus::Active | AgentStatus::Disconnected
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "agents.html")]
struct AgentsPage {
    layout: Layout,
    agents: Vec<AgentRow>,
    can_revoke: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AgentQuery {
    status: Option<String>,
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let status = filled(query.status.as_ref())
        .map(|s| {
            AgentStatus::from_str(s)
                .map_err(|_| ConsoleError::BadRequest(format!("{s:?} is not an agent status.")))
        })
        .transpose()?;
    let page = PageRequest::new(None, Some(xdr_domain::pagination::MAX_PAGE_LIMIT));
    let agents = state
        .services
        .agents
        .list(&signed.principal, status, page)
        .await?;
    let page = AgentsPage {
        layout: Layout::signed(&state, &signed, "Agents", "agents"),
        agents: agents.items.iter().map(AgentRow::from).collect(),
        can_revoke: signed.principal.role.satisfies(Role::Admin),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

pub(crate) async fn revoke(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Admin)?;
    let id = AgentId::from_uuid(super::path_id(&id)?);
    let client = (state.config.client)(&req);
    state
        .services
        .agents
        .revoke(&signed.principal, id, &client)
        .await?;
    Ok(render::see_other("/agents", &[]))
}
