//! `/api/v1/containment-policies`, `/incidents/{id}/actions`, `/actions`.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::containment::ContainmentAction;
use xdr_domain::{FieldErrors, IncidentId, Page, PolicyId};
use xdr_service::PolicyInput;

use crate::dto::containment::{
    ActionList, ActionLogView, ActionQuery, ActionRequest, CreatePolicyRequest, PolicyList,
    PolicyView, UpdatePolicyRequest,
};
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Authorized, Client, SocLead, Viewer};
use crate::state::AppState;

fn action_of(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<ContainmentAction> {
    errors.check(
        field,
        raw.parse::<ContainmentAction>()
            .map_err(|_| "must be block_ip, unblock_ip, isolate_host or notify"),
    )
}

fn params_text(params: Option<serde_json::Map<String, serde_json::Value>>) -> String {
    serde_json::Value::Object(params.unwrap_or_default()).to_string()
}

/// Act on an incident now (soc_lead); the action is carried out by the configured executor.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/actions", tag = "containment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Incident id")), request_body = ActionRequest,
    responses((status = 201, body = ActionLogView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn take_action(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    client: Client,
    id: web::Path<Uuid>,
    body: web::Json<ActionRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let Some(action) = action_of(&mut errors, "action", &body.action) else {
        return Err(ApiError::validation(errors));
    };
    let id = IncidentId::from_uuid(id.into_inner());
    let log = state
        .containment
        .take_action(
            &auth.principal,
            id,
            action,
            params_text(body.params),
            &client.0,
        )
        .await?;
    Ok(HttpResponse::Created().json(ActionLogView::from(&log)))
}

/// Actions taken in the caller's organization, newest first.
#[utoipa::path(get, path = "/api/v1/actions", tag = "containment", security(("bearer" = [])),
    params(ActionQuery), responses((status = 200, body = ActionList)))]
pub async fn list_actions(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = ListQuery {
        limit: q.limit,
        cursor: q.cursor,
    }
    .page()?;
    let incident = q.incident_id.map(IncidentId::from_uuid);
    let rows = state
        .containment
        .actions(&auth.principal, incident, page)
        .await?;
    let page = Page::from_rows(rows, &page, |a| a.id.as_uuid());
    Ok(HttpResponse::Ok().json(ActionList {
        items: page.items.iter().map(ActionLogView::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Containment policies, highest priority first.
#[utoipa::path(get, path = "/api/v1/containment-policies", tag = "containment", security(("bearer" = [])),
    responses((status = 200, body = PolicyList)))]
pub async fn list_policies(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
) -> Result<HttpResponse, ApiError> {
    let policies = state.containment.policies(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        items: policies.iter().map(PolicyView::from).collect(),
        next_cursor: None,
    }))
}

/// Create a containment policy (soc_lead).
#[utoipa::path(post, path = "/api/v1/containment-policies", tag = "containment", security(("bearer" = [])),
    request_body = CreatePolicyRequest,
    responses((status = 201, body = PolicyView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "`policy_exists`"), (status = 422, body = ErrorBody)))]
pub async fn create_policy(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    body: web::Json<CreatePolicyRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let Some(action) = action_of(&mut errors, "action", &body.action) else {
        return Err(ApiError::validation(errors));
    };
    let input = PolicyInput {
        name: body.name,
        enabled: body.enabled,
        min_risk_score: body.min_risk_score,
        min_event_count: body.min_event_count,
        action,
        action_params: params_text(body.action_params),
        priority: body.priority,
    };
    let policy = state
        .containment
        .create_policy(&auth.principal, input)
        .await?;
    Ok(HttpResponse::Created().json(PolicyView::from(&policy)))
}

/// One containment policy.
#[utoipa::path(get, path = "/api/v1/containment-policies/{id}", tag = "containment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Policy id")),
    responses((status = 200, body = PolicyView), (status = 404, body = ErrorBody)))]
pub async fn get_policy(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let policy = state
        .containment
        .policy(&auth.principal, PolicyId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyView::from(&policy)))
}

/// Change a containment policy (soc_lead).
#[utoipa::path(patch, path = "/api/v1/containment-policies/{id}", tag = "containment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Policy id")), request_body = UpdatePolicyRequest,
    responses((status = 200, body = PolicyView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "`policy_exists`"),
              (status = 422, body = ErrorBody)))]
pub async fn update_policy(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    id: web::Path<Uuid>,
    body: web::Json<UpdatePolicyRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let action = body
        .action
        .as_deref()
        .and_then(|a| action_of(&mut errors, "action", a));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let id = PolicyId::from_uuid(id.into_inner());
    let policy = state
        .containment
        .update_policy(&auth.principal, id, move |p| {
            if let Some(v) = body.name {
                p.name = v;
            }
            if let Some(v) = body.enabled {
                p.enabled = v;
            }
            if let Some(v) = body.min_risk_score {
                p.min_risk_score = v;
            }
            if let Some(v) = body.min_event_count {
                p.min_event_count = v;
            }
            if let Some(v) = action {
                p.action = v;
            }
            if let Some(v) = body.action_params {
                p.action_params = params_text(Some(v));
            }
            if let Some(v) = body.priority {
                p.priority = v;
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(PolicyView::from(&policy)))
}

/// Delete a containment policy (soc_lead).
#[utoipa::path(delete, path = "/api/v1/containment-policies/{id}", tag = "containment", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Policy id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_policy(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .containment
        .delete_policy(&auth.principal, PolicyId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
