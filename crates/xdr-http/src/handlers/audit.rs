//! `/api/v1/audit-logs`: the organization's audit log (admin only).

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::{self, Bytes};
use xdr_domain::audit::page_size;

use crate::dto::audit::{
    AuditEntryView, AuditExportQuery, AuditList, AuditListQuery, AuditVerificationView,
    ExportFormat, audit_filter, decode_cursor, encode_cursor,
};
use crate::dto::audit_export::{self, CSV_HEADER};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized};
use crate::state::AppState;

/// Entries read from storage per export batch.
const EXPORT_BATCH: usize = 500;
/// Encoded batches buffered between the storage reader and the client: memory stays flat
/// (about this many batches) however large the export.
const EXPORT_CHANNEL_BATCHES: usize = 8;

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
    let limit = page_size(q.limit);
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
    let format = q.format.unwrap_or_default();
    let (tx, mut rx) =
        tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(EXPORT_CHANNEL_BATCHES);
    if format == ExportFormat::Csv {
        // The channel is empty: the header always fits.
        let _ = tx.try_send(Ok(Bytes::from_static(CSV_HEADER.as_bytes())));
    }
    // The reader runs on the blocking pool and waits whenever the client is slower than
    // storage; it stops as soon as the client goes away (the channel closes).
    let failed = tx.clone();
    let send = move |batch: Vec<_>| {
        let encoded = match format {
            ExportFormat::Ndjson => audit_export::ndjson(&batch),
            ExportFormat::Csv => audit_export::csv(&batch),
        };
        tx.blocking_send(Ok(Bytes::from(encoded))).is_ok()
    };
    let (audit, principal) = (Arc::clone(&state.audit), auth.principal);
    actix_web::rt::spawn(async move {
        if let Err(e) = audit.export(&principal, filter, EXPORT_BATCH, send).await {
            // The status line is gone already: abort the body so the client sees a broken
            // transfer rather than a silently short export.
            tracing::error!(error = %e, organization_id = %principal.organization_id, "audit export failed");
            let _ = failed
                .send(Err(std::io::Error::other("audit export failed")))
                .await;
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let (content_type, file) = match format {
        ExportFormat::Ndjson => ("application/x-ndjson", "audit-log.ndjson"),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "audit-log.csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .streaming(body))
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
