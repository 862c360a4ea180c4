//! `POST /ingest/multi`: the original system's ingest contract, so that its Fluent Bit and
//! honeypot forwarders keep working, now only with an ingest token, through the same parsers,
//! pipeline and limits as HEC. Errors answer in our error shape, except the token refusals,
//! which answer as HEC's do (the same `Authorization` header).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::dto::ingest::{HecAnswer, LegacyIngestRequest, LegacyIngestResponse};
use crate::error::{ApiError, ErrorBody};
use crate::handlers::hec::refused;
use crate::ingest_request::{Refusal, authenticate, read_body};
use crate::state::AppState;

/// Ingest a batch in the original system's shape.
#[utoipa::path(post, path = "/ingest/multi", tag = "ingest", security(("splunk" = [])),
    request_body = LegacyIngestRequest,
    responses((status = 200, body = LegacyIngestResponse), (status = 400, body = ErrorBody),
              (status = 401, body = HecAnswer), (status = 403, body = HecAnswer),
              (status = 413, body = HecAnswer), (status = 422, body = ErrorBody)))]
pub async fn multi(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let source = match authenticate(&state, &req).await {
        Ok(source) => source,
        Err(r) => return Ok(refused(r)),
    };
    let body = match read_body(&req, payload, state.config.ingest_body_limit_bytes).await {
        Ok(body) => body,
        Err(Refusal::Unreadable) => {
            return Err(ApiError::malformed(
                "The body is not UTF-8 or not valid gzip.",
            ));
        }
        Err(r) => return Ok(refused(r)),
    };
    let request: LegacyIngestRequest = serde_json::from_str(&body)
        .map_err(|e| ApiError::malformed(format!("The body is not a valid batch: {e}")))?;
    let report = state.ingest.ingest_multi(&source, request.into()).await?;
    Ok(HttpResponse::Ok().json(LegacyIngestResponse::from(report)))
}
