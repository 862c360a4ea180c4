//! `GET /audit/export`: the audit log an admin filtered, downloaded as CSV (the default, for a
//! spreadsheet) or NDJSON, the same bytes the API's `GET /api/v1/audit-logs/export` sends.

use actix_web::http::{StatusCode, header};
use actix_web::web::{self, Bytes};
use actix_web::{HttpResponse, http::header::CacheDirective};
use serde::Deserialize;
use xdr_domain::audit::AuditFilter;
use xdr_domain::identity::Role;
use xdr_service::ExportFormat;

use super::audit::action_filter;
use super::format::filled;
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::render;
use crate::session::Signed;

#[derive(Debug, Deserialize)]
pub(crate) struct ExportQuery {
    format: Option<String>,
    action: Option<String>,
}

pub(crate) async fn download(
    state: web::Data<ConsoleState>,
    signed: Signed,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ConsoleError> {
    signed.require(Role::Admin)?;
    let format = match filled(query.format.as_ref()) {
        None | Some("csv") => ExportFormat::Csv,
        Some("ndjson") => ExportFormat::Ndjson,
        Some(other) => {
            return Err(ConsoleError::BadRequest(format!(
                "{other:?} is not an export format: csv or ndjson."
            )));
        }
    };
    let filter = AuditFilter {
        action: action_filter(query.action.as_ref())?,
        ..AuditFilter::default()
    };
    let mut export = state.services.audit.export(
        &signed.principal,
        filter,
        format,
        state.config.export_timeout,
    )?;
    // A transfer cut off midway is aborted, not ended: the browser reports a failed download
    // rather than saving a short file as if it were whole.
    let body = futures_util::stream::poll_fn(move |cx| {
        export
            .poll_chunk(cx)
            .map(|chunk| chunk.map(|c| c.map(Bytes::from).map_err(std::io::Error::other)))
    });
    let mut builder = render::builder(StatusCode::OK);
    builder
        .content_type(format.content_type())
        .insert_header(header::CacheControl(vec![CacheDirective::NoStore]))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", format.file_name()),
        ));
    for cookie in signed.cookies() {
        builder.append_header((header::SET_COOKIE, cookie));
    }
    Ok(builder.streaming(body))
}
