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

/// Why an export stopped early.
enum ExportEnd {
    ClientGone,
    TimedOut,
    Failed(xdr_service::AuditError),
}

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
    let format = q.format.unwrap_or_default();
    let (tx, mut rx) =
        tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(EXPORT_CHANNEL_BATCHES);
    let deadline = tokio::time::Instant::now() + state.config.export_timeout;
    let (audit, principal) = (Arc::clone(&state.audit), auth.principal);
    // Page by page: each read is one short blocking call, and waiting for a slow client is an
    // async send, so no thread of the blocking pool (that every request and bcrypt share) is
    // held by a client; the whole export is bounded by `export_timeout`.
    actix_web::rt::spawn(async move {
        let export = async {
            if format == ExportFormat::Csv {
                tx.send(Ok(Bytes::from_static(CSV_HEADER.as_bytes())))
                    .await
                    .map_err(|_| ExportEnd::ClientGone)?;
            }
            let mut cursor = None;
            loop {
                // Checked before each page as well: a timer of zero or a few microseconds may
                // fire only at the runtime's next tick, after a short export has finished.
                if tokio::time::Instant::now() >= deadline {
                    return Err(ExportEnd::TimedOut);
                }
                let page = audit
                    .list(&principal, filter.clone(), cursor, EXPORT_BATCH)
                    .await
                    .map_err(ExportEnd::Failed)?;
                let encoded = match format {
                    ExportFormat::Ndjson => audit_export::ndjson(&page.items),
                    ExportFormat::Csv => audit_export::csv(&page.items),
                };
                tx.send(Ok(Bytes::from(encoded)))
                    .await
                    .map_err(|_| ExportEnd::ClientGone)?;
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => return Ok(()),
                }
            }
        };
        let outcome = match tokio::time::timeout_at(deadline, export).await {
            Ok(outcome) => outcome,
            Err(_) => Err(ExportEnd::TimedOut),
        };
        let org = principal.organization_id;
        let reason = match outcome {
            Ok(()) | Err(ExportEnd::ClientGone) => return,
            Err(ExportEnd::Failed(e)) => {
                tracing::error!(error = %e, organization_id = %org, "audit export failed");
                "audit export failed"
            }
            Err(ExportEnd::TimedOut) => {
                tracing::warn!(organization_id = %org, "audit export cut off at its time limit");
                "audit export took longer than its time limit"
            }
        };
        // The status line is gone already: abort the body so the client sees a broken
        // transfer rather than a silently short export.
        let _ = tx.try_send(Err(std::io::Error::other(reason)));
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
