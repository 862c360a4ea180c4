//! `/api/v1/credentials`: the caller's own cloud credentials (any member may keep theirs).
//! Another user's credential, in this organization or another, answers 404 like a missing one.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::CredentialId;

use crate::dto::credentials::{
    CreateCredentialRequest, CredentialList, CredentialView, ListCredentialsQuery,
    UpdateCredentialRequest,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Authorized, Client, Viewer};
use crate::state::AppState;

/// The caller's credentials, newest first.
#[utoipa::path(get, path = "/api/v1/credentials", tag = "credentials",
    security(("bearer" = [])), params(ListCredentialsQuery),
    responses((status = 200, body = CredentialList), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<ListCredentialsQuery>,
) -> Result<HttpResponse, ApiError> {
    let input = query.into_inner().into();
    let page = state.credentials.list(&auth.principal, &input).await?;
    Ok(HttpResponse::Ok().json(CredentialList::from(&page)))
}

/// Store a credential. Its secrets are sealed at once and never returned.
#[utoipa::path(post, path = "/api/v1/credentials", tag = "credentials",
    security(("bearer" = [])), request_body = CreateCredentialRequest,
    responses((status = 201, body = CredentialView), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    client: Client,
    body: web::Json<CreateCredentialRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().into();
    let created = state
        .credentials
        .create(&auth.principal, input, &client.0)
        .await?;
    Ok(HttpResponse::Created().json(CredentialView::from(&created)))
}

/// One of the caller's credentials.
#[utoipa::path(get, path = "/api/v1/credentials/{id}", tag = "credentials",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Credential id")),
    responses((status = 200, body = CredentialView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::from_uuid(id.into_inner());
    let found = state.credentials.get(&auth.principal, id).await?;
    Ok(HttpResponse::Ok().json(CredentialView::from(&found)))
}

/// Rename, move region, make default, or replace the secret key.
#[utoipa::path(patch, path = "/api/v1/credentials/{id}", tag = "credentials",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Credential id")),
    request_body = UpdateCredentialRequest,
    responses((status = 200, body = CredentialView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    client: Client,
    id: web::Path<Uuid>,
    body: web::Json<UpdateCredentialRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::from_uuid(id.into_inner());
    let input = body.into_inner().into();
    let updated = state
        .credentials
        .update(&auth.principal, id, input, &client.0)
        .await?;
    Ok(HttpResponse::Ok().json(CredentialView::from(&updated)))
}

/// Delete a credential and its sealed secrets.
#[utoipa::path(delete, path = "/api/v1/credentials/{id}", tag = "credentials",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Credential id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = CredentialId::from_uuid(id.into_inner());
    state
        .credentials
        .delete(&auth.principal, id, &client.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
