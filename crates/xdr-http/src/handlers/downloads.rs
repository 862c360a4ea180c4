//! `GET /downloads/{file}`: the agent binaries the install scripts fetch (no auth: a binary
//! holds no secret, and the scripts check its SHA-256). Only the configured names are served.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// An agent binary, with its SHA-256 in `X-Checksum-Sha256`.
#[utoipa::path(get, path = "/downloads/{file}", tag = "onboarding",
    params(("file" = String, Path, description = "e.g. mini-xdr-agent-linux-x86_64")),
    responses((status = 200, content_type = "application/octet-stream"),
              (status = 404, body = ErrorBody)))]
pub async fn download(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(offered) = state.onboarding.download(&file).cloned() else {
        return Err(ApiError::not_found());
    };
    let path = offered.path.clone();
    let bytes = web::block(move || std::fs::read(path))
        .await
        .map_err(|e| ApiError::internal(&e))?
        .map_err(|e| {
            tracing::error!(file = %offered.file_name, error = %e, "agent download unreadable");
            ApiError::not_found()
        })?;
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", offered.file_name),
        ))
        .insert_header(("x-checksum-sha256", offered.sha256))
        .body(bytes))
}
