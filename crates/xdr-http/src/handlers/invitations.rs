//! `/api/v1/invitations` (admin) and accepting an invitation.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::InvitationId;

use crate::dto::admin::{
    AcceptInvitationRequest, InvitationList, InvitationView, InviteRequest, IssuedInvitationView,
};
use crate::dto::auth::{LoginResponse, TokenPairView};
use crate::dto::identity::UserView;
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, AuthRateLimit, Authorized, Client};
use crate::state::AppState;

/// Invite a person by email with a role (admin). The token is shown only in this response.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "identity",
    security(("bearer" = [])), request_body = InviteRequest,
    responses((status = 201, body = IssuedInvitationView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let issued = state
        .admin
        .invite(&auth.principal, &body.email, body.role, &client.0)
        .await?;
    Ok(HttpResponse::Created().json(IssuedInvitationView::from(&issued)))
}

/// The organization's invitations, newest first (admin).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "identity",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = InvitationList), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .admin
        .list_invitations(&auth.principal, query.page()?)
        .await?;
    let now = chrono::Utc::now();
    Ok(HttpResponse::Ok().json(InvitationList {
        items: page
            .items
            .iter()
            .map(|i| InvitationView::new(i, now))
            .collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Revoke a pending invitation (admin).
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "identity",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Invitation id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = InvitationId::from_uuid(id.into_inner());
    state
        .admin
        .revoke_invitation(&auth.principal, id, &client.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Issue a new token and expiry for an open invitation; the old token stops working (admin).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/resend", tag = "identity",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Invitation id")),
    responses((status = 200, body = IssuedInvitationView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn resend(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = InvitationId::from_uuid(id.into_inner());
    let issued = state
        .admin
        .resend_invitation(&auth.principal, id, &client.0)
        .await?;
    Ok(HttpResponse::Ok().json(IssuedInvitationView::from(&issued)))
}

/// Accept an invitation: choose a password and join the inviting organization.
#[utoipa::path(post, path = "/api/v1/auth/accept-invitation", tag = "identity",
    request_body = AcceptInvitationRequest,
    responses((status = 201, body = LoginResponse), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn accept(
    _limit: AuthRateLimit,
    state: web::Data<AppState>,
    client: Client,
    body: web::Json<AcceptInvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    let joined = state
        .auth
        .accept_invitation(
            body.token.expose(),
            &body.full_name,
            body.password.expose(),
            &client.0,
        )
        .await?;
    Ok(HttpResponse::Created().json(LoginResponse {
        tokens: TokenPairView::from(joined.tokens),
        user: UserView::from(&joined.user),
    }))
}
