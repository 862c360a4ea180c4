//! `/api/v1/events`, `/incidents`, `/detection-rules`, `/dashboard/summary`.

use std::net::IpAddr;

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::detection::{EventFilter, EventInput, IncidentChange, IncidentFilter, RuleKind};
use xdr_domain::{FieldErrors, IncidentId, Page, UserId};
use xdr_service::RuleChange;

use super::query::{page_of, parse_opt};
use crate::dto::detection::{
    DashboardView, EventList, EventQuery, EventView, IncidentDetailView, IncidentList,
    IncidentQuery, IncidentView, IngestRequest, IngestResponse, RuleList, RuleView,
    UpdateIncidentRequest, UpdateRuleRequest,
};
use crate::dto::page::encode_cursor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Analyst, Authorized, Client, SocLead, Viewer};
use crate::state::AppState;

/// Ingest 1–1000 events; answers 202 once they are durable (detection has run).
#[utoipa::path(post, path = "/api/v1/events", tag = "detection", security(("bearer" = [])),
    request_body = IngestRequest,
    responses((status = 202, body = IngestResponse), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn ingest(
    state: web::Data<AppState>,
    auth: Authorized<Analyst>,
    body: web::Json<IngestRequest>,
) -> Result<HttpResponse, ApiError> {
    let inputs: Vec<EventInput> = body
        .into_inner()
        .events
        .into_iter()
        .map(Into::into)
        .collect();
    let outcome = state.detection.ingest(&auth.principal, &inputs).await?;
    Ok(HttpResponse::Accepted().json(IngestResponse {
        accepted: outcome.accepted,
        incidents_opened: outcome
            .incidents_opened
            .iter()
            .map(|i| i.as_uuid())
            .collect(),
    }))
}

/// Events of the caller's organization, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "detection", security(("bearer" = [])),
    params(EventQuery), responses((status = 200, body = EventList)))]
pub async fn list_events(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let src_ip = parse_opt::<IpAddr>(
        &mut errors,
        "src_ip",
        q.src_ip.as_deref(),
        "is not an IP address",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let filter = EventFilter {
        event_type: q.event_type,
        src_ip,
        since: q.since,
        until: q.until,
    };
    let page = page_of(q.limit, q.cursor)?;
    let rows = state
        .detection
        .list_events(&auth.principal, filter, page)
        .await?;
    let page = Page::from_rows(rows, &page, |e| e.event.id.as_uuid());
    Ok(HttpResponse::Ok().json(EventList {
        items: page.items.iter().map(EventView::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Incidents of the caller's organization, newest first.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "detection", security(("bearer" = [])),
    params(IncidentQuery), responses((status = 200, body = IncidentList)))]
pub async fn list_incidents(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let mut errors = FieldErrors::new();
    let filter = IncidentFilter {
        status: parse_opt(
            &mut errors,
            "status",
            q.status.as_deref(),
            "is not an incident status",
        ),
        severity: parse_opt(
            &mut errors,
            "severity",
            q.severity.as_deref(),
            "is not a severity",
        ),
        src_ip: parse_opt(
            &mut errors,
            "src_ip",
            q.src_ip.as_deref(),
            "is not an IP address",
        ),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let page = page_of(q.limit, q.cursor)?;
    let rows = state
        .detection
        .list_incidents(&auth.principal, filter, page)
        .await?;
    let page = Page::from_rows(rows, &page, |i| i.id.as_uuid());
    Ok(HttpResponse::Ok().json(IncidentList {
        items: page.items.iter().map(IncidentView::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// One incident with its latest events.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "detection", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Incident id")),
    responses((status = 200, body = IncidentDetailView), (status = 404, body = ErrorBody)))]
pub async fn get_incident(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = IncidentId::from_uuid(id.into_inner());
    let detail = state.detection.incident(&auth.principal, id).await?;
    Ok(HttpResponse::Ok().json(IncidentDetailView {
        incident: IncidentView::from(&detail.incident),
        events: detail.events.iter().map(EventView::from).collect(),
        actions: detail.actions.iter().map(Into::into).collect(),
    }))
}

/// Work an incident: status (open → contained | resolved | dismissed), assignee, note.
#[utoipa::path(patch, path = "/api/v1/incidents/{id}", tag = "detection", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Incident id")), request_body = UpdateIncidentRequest,
    responses((status = 200, body = IncidentView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_incident(
    state: web::Data<AppState>,
    auth: Authorized<Analyst>,
    client: Client,
    id: web::Path<Uuid>,
    body: web::Json<UpdateIncidentRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let status = parse_opt(
        &mut errors,
        "status",
        body.status.as_deref(),
        "is not an incident status",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let change = IncidentChange {
        status,
        assignee_id: body.assignee_id.map(|a| a.map(UserId::from_uuid)),
        note: body.note,
    };
    let id = IncidentId::from_uuid(id.into_inner());
    let incident = state
        .detection
        .update_incident(&auth.principal, id, change, &client.0)
        .await?;
    Ok(HttpResponse::Ok().json(IncidentView::from(&incident)))
}

/// The built-in detection rules with this organization's settings.
#[utoipa::path(get, path = "/api/v1/detection-rules", tag = "detection", security(("bearer" = [])),
    responses((status = 200, body = RuleList)))]
pub async fn list_rules(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
) -> Result<HttpResponse, ApiError> {
    let rules = state.detection.rules(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(RuleList {
        items: rules.iter().map(|(r, s)| RuleView::new(*r, s)).collect(),
    }))
}

fn rule_of(name: &str) -> Result<RuleKind, ApiError> {
    name.parse().map_err(|_| ApiError::not_found())
}

/// One detection rule.
#[utoipa::path(get, path = "/api/v1/detection-rules/{rule}", tag = "detection",
    security(("bearer" = [])), params(("rule" = String, Path, description = "Rule name")),
    responses((status = 200, body = RuleView), (status = 404, body = ErrorBody)))]
pub async fn get_rule(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    rule: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let rule = rule_of(&rule)?;
    let settings = state.detection.rule(&auth.principal, rule).await?;
    Ok(HttpResponse::Ok().json(RuleView::new(rule, &settings)))
}

/// Enable, disable or tune a detection rule (soc_lead).
#[utoipa::path(patch, path = "/api/v1/detection-rules/{rule}", tag = "detection",
    security(("bearer" = [])), params(("rule" = String, Path, description = "Rule name")),
    request_body = UpdateRuleRequest,
    responses((status = 200, body = RuleView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_rule(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    rule: web::Path<String>,
    body: web::Json<UpdateRuleRequest>,
) -> Result<HttpResponse, ApiError> {
    let rule = rule_of(&rule)?;
    let change = RuleChange {
        enabled: body.enabled,
        threshold: body.threshold,
        window_seconds: body.window_seconds,
    };
    let settings = state
        .detection
        .update_rule(&auth.principal, rule, change)
        .await?;
    Ok(HttpResponse::Ok().json(RuleView::new(rule, &settings)))
}

/// Counts for the dashboard, computed with aggregate queries.
#[utoipa::path(get, path = "/api/v1/dashboard/summary", tag = "detection", security(("bearer" = [])),
    responses((status = 200, body = DashboardView)))]
pub async fn dashboard(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
) -> Result<HttpResponse, ApiError> {
    let summary = state.detection.dashboard(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(DashboardView::from(&summary)))
}
