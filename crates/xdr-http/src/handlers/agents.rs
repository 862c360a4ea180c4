//! `/agents`: enrollment (the token is the credential), the signed routes of an enrolled
//! agent (`Signed<T>`), and the users' view of the organization's agents.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::agents::AgentStatus;
use xdr_domain::detection::EventInput;
use xdr_domain::{AgentId, FieldErrors};

use crate::dto::agents::{
    AgentBody, AgentEventsRequest, AgentEventsResponse, AgentList, AgentQuery, EmptyRequest,
    EnrollRequest, EnrollResponse, HeartbeatRequest, HeartbeatResponse, RotateSecretResponse,
};
use crate::dto::page::encode_cursor;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, AuthRateLimit, Authorized, Client, Signed, Viewer};
use crate::handlers::query::{page_of, parse_opt};
use crate::state::AppState;

/// Redeem an enrollment token for an agent identity (no user auth; rate-limited per IP).
#[utoipa::path(post, path = "/api/v1/agents/enroll", tag = "agents",
    request_body = EnrollRequest,
    responses((status = 201, body = EnrollResponse), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn enroll(
    _limit: AuthRateLimit,
    state: web::Data<AppState>,
    client: Client,
    body: web::Json<EnrollRequest>,
) -> Result<HttpResponse, ApiError> {
    let enrolled = state
        .agents
        .enroll(&body.enrollment_token, &body.facts(), &client.0)
        .await?;
    Ok(HttpResponse::Created().json(EnrollResponse {
        agent_id: enrolled.agent_id.as_uuid(),
        agent_secret: enrolled.agent_secret.expose().to_owned(),
        heartbeat_interval_seconds: enrolled.heartbeat_interval_seconds,
        server_time: enrolled.server_time,
    }))
}

/// A signed heartbeat.
#[utoipa::path(post, path = "/api/v1/agents/heartbeat", tag = "agents",
    security(("agent_signature" = [])), request_body = HeartbeatRequest,
    responses((status = 401, body = ErrorBody, description = "`invalid_signature` (with `X-Server-Time`): a missing header, a bad signature, a timestamp more than 300 s away, a replayed nonce, or an agent that is not active."), (status = 200, body = HeartbeatResponse), (status = 409, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn heartbeat(
    state: web::Data<AppState>,
    signed: Signed<HeartbeatRequest>,
) -> Result<HttpResponse, ApiError> {
    let ack = state
        .agents
        .heartbeat(&signed.caller, &signed.body.input(), &signed.client)
        .await?;
    Ok(HttpResponse::Ok().json(HeartbeatResponse {
        server_time: ack.server_time,
        heartbeat_interval_seconds: ack.heartbeat_interval_seconds,
    }))
}

/// A signed batch of 1–1000 events, de-duplicated by `batch_id`.
#[utoipa::path(post, path = "/api/v1/agents/events", tag = "agents",
    security(("agent_signature" = [])), request_body = AgentEventsRequest,
    responses((status = 401, body = ErrorBody, description = "`invalid_signature` (with `X-Server-Time`): a missing header, a bad signature, a timestamp more than 300 s away, a replayed nonce, or an agent that is not active."), (status = 202, body = AgentEventsResponse), (status = 429, body = ErrorBody)))]
pub async fn events(
    state: web::Data<AppState>,
    signed: Signed<AgentEventsRequest>,
) -> Result<HttpResponse, ApiError> {
    let Signed {
        caller,
        body,
        nonce,
        ..
    } = signed;
    let inputs: Vec<EventInput> = body.events.into_iter().map(Into::into).collect();
    let ack = state
        .agents
        .ingest(&caller, &nonce, body.batch_id.as_deref(), &inputs)
        .await?;
    Ok(HttpResponse::Accepted().json(AgentEventsResponse {
        accepted: ack.accepted,
        duplicate: ack.duplicate,
        incidents_opened: ack.incidents_opened.iter().map(|i| i.as_uuid()).collect(),
    }))
}

/// A new agent secret; the one that signed this request works 5 more minutes.
#[utoipa::path(post, path = "/api/v1/agents/rotate-secret", tag = "agents",
    security(("agent_signature" = [])), request_body = EmptyRequest,
    responses((status = 401, body = ErrorBody, description = "`invalid_signature` (with `X-Server-Time`): a missing header, a bad signature, a timestamp more than 300 s away, a replayed nonce, or an agent that is not active."), (status = 200, body = RotateSecretResponse), (status = 429, body = ErrorBody)))]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    signed: Signed<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let secret = state
        .agents
        .rotate_secret(&signed.caller, &signed.client)
        .await?;
    Ok(HttpResponse::Ok().json(RotateSecretResponse {
        agent_secret: secret.expose().to_owned(),
    }))
}

/// The agent leaves: its status becomes `unenrolled` and its signatures stop working.
#[utoipa::path(post, path = "/api/v1/agents/unenroll", tag = "agents",
    security(("agent_signature" = [])), request_body = EmptyRequest,
    responses((status = 401, body = ErrorBody, description = "`invalid_signature` (with `X-Server-Time`): a missing header, a bad signature, a timestamp more than 300 s away, a replayed nonce, or an agent that is not active."), (status = 204), (status = 429, body = ErrorBody)))]
pub async fn unenroll(
    state: web::Data<AppState>,
    signed: Signed<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .agents
        .unenroll(&signed.caller, &signed.client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organization's agents, newest first; `status` is computed when read.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])),
    params(AgentQuery), responses((status = 200, body = AgentList)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<AgentQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let status: Option<AgentStatus> = parse_opt(
        &mut errors,
        "status",
        query.status.as_deref(),
        "must be one of pending, active, disconnected, revoked, unenrolled, superseded",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let page = page_of(query.limit, query.cursor)?;
    let page = state.agents.list(&auth.principal, status, page).await?;
    Ok(HttpResponse::Ok().json(AgentList {
        items: page.items.iter().map(AgentBody::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// One agent of the organization.
#[utoipa::path(get, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 200, body = AgentBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .agents
        .get(&auth.principal, AgentId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(AgentBody::from(&view)))
}

/// Revoke an agent (admin): its signed requests are refused from now on.
#[utoipa::path(delete, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .agents
        .revoke(
            &auth.principal,
            AgentId::from_uuid(id.into_inner()),
            &client.0,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
