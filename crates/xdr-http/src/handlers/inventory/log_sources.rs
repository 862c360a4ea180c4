//! Log sources: viewer reads, soc_lead writes.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_auth::Principal;
use xdr_domain::LogSourceId;
use xdr_domain::inventory::{IngestStatus, LogSource};

use crate::dto::inventory::{
    CreateLogSourceRequest, LogSourceList, LogSourceView, UpdateLogSourceRequest,
};
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Authorized, SocLead, Viewer};
use crate::state::AppState;

/// A log source with its ingest status.
async fn view(
    state: &AppState,
    principal: &Principal,
    source: &LogSource,
) -> Result<HttpResponse, ApiError> {
    let statuses = state.ingest.statuses(principal, vec![source.id]).await?;
    let status = statuses.get(&source.id).cloned().unwrap_or_default();
    Ok(HttpResponse::Ok().json(LogSourceView::new(source, &status)))
}

/// Log sources of the caller's organization, newest first.
#[utoipa::path(get, path = "/api/v1/log-sources", tag = "inventory", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = LogSourceList)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.page()?;
    let page = state
        .inventory
        .list_log_sources(&auth.principal, page)
        .await?;
    let ids = page.items.iter().map(|s| s.id).collect();
    let statuses = state.ingest.statuses(&auth.principal, ids).await?;
    let items = page
        .items
        .iter()
        .map(|s| LogSourceView::new(s, &statuses.get(&s.id).cloned().unwrap_or_default()))
        .collect();
    Ok(HttpResponse::Ok().json(LogSourceList {
        items,
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Register a log source (soc_lead); names are unique within the organization.
#[utoipa::path(post, path = "/api/v1/log-sources", tag = "inventory", security(("bearer" = [])),
    request_body = CreateLogSourceRequest,
    responses((status = 201, body = LogSourceView), (status = 403, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    body: web::Json<CreateLogSourceRequest>,
) -> Result<HttpResponse, ApiError> {
    let source = state
        .inventory
        .create_log_source(&auth.principal, body.into_inner().into())
        .await?;
    Ok(HttpResponse::Created().json(LogSourceView::new(&source, &IngestStatus::default())))
}

/// One log source.
#[utoipa::path(get, path = "/api/v1/log-sources/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Log source id")),
    responses((status = 200, body = LogSourceView), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Viewer>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = LogSourceId::from_uuid(id.into_inner());
    let source = state.inventory.log_source(&auth.principal, id).await?;
    view(&state, &auth.principal, &source).await
}

/// Change a log source (soc_lead); `null` clears `hostname` or `description`.
#[utoipa::path(patch, path = "/api/v1/log-sources/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Log source id")),
    request_body = UpdateLogSourceRequest,
    responses((status = 200, body = LogSourceView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    id: web::Path<Uuid>,
    body: web::Json<UpdateLogSourceRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = LogSourceId::from_uuid(id.into_inner());
    let source = state
        .inventory
        .update_log_source(&auth.principal, id, body.into_inner().into())
        .await?;
    view(&state, &auth.principal, &source).await
}

/// Remove a log source (soc_lead).
#[utoipa::path(delete, path = "/api/v1/log-sources/{id}", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Log source id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = LogSourceId::from_uuid(id.into_inner());
    state
        .inventory
        .delete_log_source(&auth.principal, id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
