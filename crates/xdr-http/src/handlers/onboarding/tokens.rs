//! Enrollment tokens and the agents enrolled with them.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::EnrollmentTokenId;

use crate::dto::agents::{AgentBody, AgentList};
use crate::dto::onboarding::{IssuedTokenBody, TokenBody, TokenList, TokenRequestBody};
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Client};
use crate::state::AppState;

/// Mint an enrollment token: the token and the install scripts embedding it are shown only
/// in this response.
#[utoipa::path(post, path = "/api/v1/onboarding/generate-agent-token", tag = "onboarding",
    security(("bearer" = [])), request_body = TokenRequestBody,
    responses((status = 201, body = IssuedTokenBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn issue(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Json<TokenRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner().into();
    let issued = state
        .onboarding
        .issue_token(&auth.principal, &client.0, &request)
        .await?;
    Ok(HttpResponse::Created().json(IssuedTokenBody {
        id: issued.id.as_uuid(),
        token: issued.token.expose().to_owned(),
        platform: issued.platform.as_str().to_owned(),
        label: issued.label,
        expires_at: issued.expires_at,
        max_uses: issued.max_uses,
        install_scripts: issued.install_scripts.into(),
    }))
}

/// The organization's tokens, newest first, never their secret.
#[utoipa::path(get, path = "/api/v1/onboarding/enrollment-tokens", tag = "onboarding",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = TokenList)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .onboarding
        .list_tokens(&auth.principal, query.page()?)
        .await?;
    let now = state.onboarding.now();
    Ok(HttpResponse::Ok().json(TokenList {
        items: page.items.iter().map(|t| TokenBody::at(t, now)).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Revoke a token; agents already enrolled with it keep working.
#[utoipa::path(delete, path = "/api/v1/onboarding/enrollment-tokens/{id}", tag = "onboarding",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state
        .onboarding
        .revoke_token(
            &auth.principal,
            &client.0,
            EnrollmentTokenId::from_uuid(id.into_inner()),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The organization's agents, as `GET /agents` shows them.
#[utoipa::path(get, path = "/api/v1/onboarding/enrolled-agents", tag = "onboarding",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = AgentList)))]
pub async fn enrolled_agents(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .agents
        .list(&auth.principal, None, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(AgentList {
        items: page.items.iter().map(AgentBody::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}
