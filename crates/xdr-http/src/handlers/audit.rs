//! `/api/v1/audit-logs`: the organization's audit log (admin only).

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use xdr_domain::audit::page_size;
use xdr_service::AuditExport;

use crate::dto::audit::{
    AuditEntryView, AuditExportQuery, AuditList, AuditListQuery, AuditVerificationView,
    audit_filter, decode_cursor, encode_cursor,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized};
use crate::state::AppState;

/// The organization's audit entries, newest first.
#[utoipa::path(get, path = "/api/v1/audit-logs", tag = "audit", security(("bearer" = [])),
    params(AuditListQuery),
    responses((status = 200, body = AuditList), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = audit_filter(
        q.action.as_deref(),
        q.actor_id,
        q.resource_type.as_deref(),
        q.since,
        q.until,
    )?;
    let cursor = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_size(crate::dto::page::widen(q.limit));
    let page = state
        .audit
        .list(&auth.principal, filter, cursor, limit)
        .await?;
    Ok(HttpResponse::Ok().json(AuditList {
        items: page.items.iter().map(AuditEntryView::from).collect(),
        next_cursor: page.next.map(encode_cursor),
    }))
}

/// Every matching entry, newest first, streamed as NDJSON or CSV.
#[utoipa::path(get, path = "/api/v1/audit-logs/export", tag = "audit",
    security(("bearer" = [])), params(AuditExportQuery),
    responses((status = 200, description = "application/x-ndjson or text/csv stream"),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn export(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<AuditExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = audit_filter(
        q.action.as_deref(),
        q.actor_id,
        q.resource_type.as_deref(),
        q.since,
        q.until,
    )?;
    let format = xdr_service::ExportFormat::from(q.format.unwrap_or_default());
    let export =
        state
            .audit
            .export(&auth.principal, filter, format, state.config.export_timeout)?;
    Ok(download(format, export))
}

/// The export as an attachment. A transfer cut off midway is aborted (the status line is
/// gone already), so the client sees a broken transfer rather than a silently short file.
fn download(format: xdr_service::ExportFormat, mut export: AuditExport) -> HttpResponse {
    let body = futures_util::stream::poll_fn(move |cx| {
        export
            .poll_chunk(cx)
            .map(|chunk| chunk.map(|c| c.map(Bytes::from).map_err(std::io::Error::other)))
    });
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", format.file_name()),
        ))
        .streaming(body)
}

/// Walks the organization's hash chain and reports the first broken link.
#[utoipa::path(get, path = "/api/v1/audit-logs/verify", tag = "audit",
    security(("bearer" = [])),
    responses((status = 200, body = AuditVerificationView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn verify(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
) -> Result<HttpResponse, ApiError> {
    let report = state.audit.verify(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(AuditVerificationView::from(report)))
}
