//! One incident: its facts, a timeline of its events and actions, and the form that works it
//! (status, assignee, note) through the same use case as `PATCH /incidents/{id}`.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;
use xdr_domain::containment::ContainmentAction;
use xdr_domain::detection::{IncidentChange, IncidentStatus};
use xdr_domain::identity::Role;
use xdr_domain::{IncidentId, PageRequest, UserId};

use super::format::{iso, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct IncidentFacts {
    id: String,
    severity: &'static str,
    risk: String,
    status: &'static str,
    rule: &'static str,
    src_ip: String,
    event_count: i64,
    first_seen: String,
    last_seen: String,
    note: Option<String>,
}

struct TimelineEntry {
    at: String,
    at_iso: String,
    kind: &'static str,
    text: String,
    sort: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    layout: Layout,
    incident: IncidentFacts,
    assignee: String,
    can_work: bool,
    /// SOC lead or above: may take containment actions by hand.
    can_act: bool,
    actions: Vec<&'static str>,
    next_statuses: Vec<&'static str>,
    members: Vec<(String, String)>,
    timeline: Vec<TimelineEntry>,
    message: Option<String>,
}

fn incident_id(raw: &str) -> Result<IncidentId, ConsoleError> {
    super::path_id(raw).map(IncidentId::from_uuid)
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShowQuery {
    saved: Option<String>,
}

pub(crate) async fn show(
    state: web::Data<ConsoleState>,
    signed: Signed,
    id: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let id = incident_id(&id)?;
    let principal = &signed.principal;
    let detail = state.services.detection.incident(principal, id).await?;
    let i = &detail.incident;
    // Members to assign to: a SOC lead may list them; an analyst may take it or let it go.
    let members: Vec<(UserId, String)> = if principal.role.satisfies(Role::SocLead) {
        let page = PageRequest::new(None, Some(xdr_domain::pagination::MAX_PAGE_LIMIT));
        let users = state.services.admin.list_users(principal, page).await?;
        users
            .items
            .iter()
            .filter(|u| u.is_active)
            .map(|u| (u.id, format!("{} <{}>", u.full_name.as_str(), u.email)))
            .collect()
    } else {
        vec![(principal.user_id, "me".to_owned())]
    };
    let assignee = match i.assignee_id {
        None => "nobody".to_owned(),
        Some(a) => members
            .iter()
            .find(|(id, _)| *id == a)
            .map(|(_, name)| name.clone())
            .unwrap_or_else(|| a.to_string()),
    };
    let mut timeline: Vec<TimelineEntry> = detail
        .events
        .iter()
        .map(|e| {
            entry(e.event.received_at, "event", {
                let message = e.event.message.as_deref().unwrap_or("");
                format!("{} from {} {message}", e.event.event_type, e.event.src_ip)
            })
        })
        .chain(detail.actions.iter().map(|a| {
            entry(a.created_at, "action", {
                format!("{} ({}, {})", a.action, a.status.as_str(), a.executor)
            })
        }))
        .collect();
    timeline.sort_by_key(|e| std::cmp::Reverse(e.sort));
    let page = IncidentPage {
        layout: Layout::signed(&state, &signed, &i.title, "incidents"),
        incident: IncidentFacts {
            id: i.id.to_string(),
            severity: i.severity.as_str(),
            risk: format!("{:.1}", i.risk_score),
            status: i.status.as_str(),
            rule: i.rule.as_str(),
            src_ip: i.src_ip.to_string(),
            event_count: i.event_count,
            first_seen: time(i.first_seen_at),
            last_seen: time(i.last_seen_at),
            note: i.note.clone(),
        },
        assignee,
        can_work: principal.role.satisfies(Role::Analyst),
        can_act: principal.role.satisfies(Role::SocLead),
        actions: ContainmentAction::ALL.iter().map(|a| a.as_str()).collect(),
        next_statuses: IncidentStatus::ALL
            .iter()
            .filter(|s| i.status.can_become(**s))
            .map(|s| s.as_str())
            .collect(),
        members: members
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        timeline,
        message: match query.saved.as_deref() {
            Some("action") => Some("Action taken: see the timeline.".to_owned()),
            Some(_) => Some("Saved.".to_owned()),
            None => None,
        },
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

fn entry(at: DateTime<Utc>, kind: &'static str, text: String) -> TimelineEntry {
    TimelineEntry {
        at: time(at),
        at_iso: iso(at),
        kind,
        text,
        sort: at,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct UpdateForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    status: Option<String>,
    /// `keep`, `none`, or a member's id.
    assignee: Option<String>,
    note: Option<String>,
}

pub(crate) async fn update(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<UpdateForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Analyst)?;
    let id = incident_id(&id)?;
    let form = form.into_inner();
    let status =
        match form.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(IncidentStatus::from_str(s).map_err(|_| {
                ConsoleError::BadRequest(format!("{s:?} is not an incident status."))
            })?),
        };
    let assignee_id = match form.assignee.as_deref() {
        None | Some("keep") => None,
        Some("none") => Some(None),
        Some(raw) => Some(Some(UserId::from_uuid(Uuid::from_str(raw).map_err(
            |_| ConsoleError::BadRequest("The assignee is not a member.".to_owned()),
        )?))),
    };
    let change = IncidentChange {
        status,
        assignee_id,
        // The form always sends the note's text: an unchanged note is no change.
        note: form.note.filter(|n| !n.trim().is_empty()),
    };
    let client = (state.config.client)(&req);
    state
        .services
        .detection
        .update_incident(&signed.principal, id, change, &client)
        .await?;
    Ok(render::see_other(&format!("/incidents/{id}?saved=1"), &[]))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ActionForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    action: String,
}

/// A containment action by hand (the same use case as `POST /incidents/{id}/actions`), on
/// the incident's source address.
pub(crate) async fn act(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::SocLead)?;
    let id = incident_id(&id)?;
    let action = ContainmentAction::from_str(&form.action)
        .map_err(|_| ConsoleError::BadRequest(format!("{:?} is not an action.", form.action)))?;
    let client = (state.config.client)(&req);
    state
        .services
        .containment
        .take_action(&signed.principal, id, action, "{}".to_owned(), &client)
        .await?;
    Ok(render::see_other(
        &format!("/incidents/{id}?saved=action"),
        &[],
    ))
}
