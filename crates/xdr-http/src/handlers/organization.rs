//! `/api/v1/organization`: the caller's organization.

use actix_web::{HttpResponse, web};

use crate::dto::identity::{OrganizationView, UpdateOrganizationRequest};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Viewer};
use crate::state::AppState;

/// The caller's organization.
#[utoipa::path(get, path = "/api/v1/organization", tag = "identity",
    security(("bearer" = [])),
    responses((status = 200, body = OrganizationView), (status = 401, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
) -> Result<HttpResponse, ApiError> {
    let organization = state.admin.organization(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(OrganizationView::from(&organization)))
}

/// Rename the caller's organization (admin).
#[utoipa::path(patch, path = "/api/v1/organization", tag = "identity",
    security(("bearer" = [])), request_body = UpdateOrganizationRequest,
    responses((status = 200, body = OrganizationView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    body: web::Json<UpdateOrganizationRequest>,
) -> Result<HttpResponse, ApiError> {
    let organization = state
        .admin
        .rename_organization(&auth.principal, &body.name)
        .await?;
    Ok(HttpResponse::Ok().json(OrganizationView::from(&organization)))
}
