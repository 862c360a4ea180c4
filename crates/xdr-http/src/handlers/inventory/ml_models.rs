//! ML model registry records: viewer reads, admin writes.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::MlModelId;

use crate::dto::inventory::{CreateMlModelRequest, MlModelList, MlModelView, UpdateMlModelRequest};
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Viewer};
use crate::state::AppState;

/// Model records of the caller's organization, newest first.
#[utoipa::path(get, path = "/api/v1/ml-models", tag = "inventory", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = MlModelList)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let page = state
        .inventory
        .list_ml_models(&auth.principal, page)
        .await?;
    Ok(HttpResponse::Ok().json(MlModelList {
        items: page.items.iter().map(MlModelView::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Register a model record (admin); (name, version) is unique within the organization.
#[utoipa::path(post, path = "/api/v1/ml-models", tag = "inventory", security(("bearer" = [])),
    request_body = CreateMlModelRequest,
    responses((status = 201, body = MlModelView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    body: web::Json<CreateMlModelRequest>,
) -> Result<HttpResponse, ApiError> {
    let model = state
        .inventory
        .create_ml_model(&auth.principal, body.into_inner().into())
        .await?;
    Ok(HttpResponse::Created().json(MlModelView::from(&model)))
}

/// One model record.
#[utoipa::path(get, path = "/api/v1/ml-models/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Model record id")),
    responses((status = 200, body = MlModelView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = MlModelId::from_uuid(id.into_inner());
    let model = state.inventory.ml_model(&auth.principal, id).await?;
    Ok(HttpResponse::Ok().json(MlModelView::from(&model)))
}

/// Change a model record (admin): name, kind, version, status or metrics.
#[utoipa::path(patch, path = "/api/v1/ml-models/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Model record id")),
    request_body = UpdateMlModelRequest,
    responses((status = 200, body = MlModelView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    id: web::Path<Uuid>,
    body: web::Json<UpdateMlModelRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = MlModelId::from_uuid(id.into_inner());
    let model = state
        .inventory
        .update_ml_model(&auth.principal, id, body.into_inner().into())
        .await?;
    Ok(HttpResponse::Ok().json(MlModelView::from(&model)))
}

/// Remove a model record (admin).
#[utoipa::path(delete, path = "/api/v1/ml-models/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Model record id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = MlModelId::from_uuid(id.into_inner());
    state.inventory.delete_ml_model(&auth.principal, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
