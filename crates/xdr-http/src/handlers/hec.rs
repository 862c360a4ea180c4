//! Splunk's HTTP Event Collector, as Splunk serves it (outside `/api/v1`), so that log shippers
//! and honeypots that speak HEC need no code of ours: answers in HEC's shape and codes, which
//! senders' retry logic reads. The log source and its parser come from the ingest token.

use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;
use xdr_domain::inventory::IngestSource;
use xdr_service::IngestError;
use xdr_service::ingest::HecQuery;

use crate::dto::ingest::HecAnswer;
use crate::ingest_request::{Refusal, authenticate, read_body};
use crate::state::AppState;

/// Defaults for records that name none; other parameters senders add (`channel`, `index`)
/// are ignored.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct HecParams {
    /// Picks the parser for records without a `sourcetype` (e.g. `cowrie`, `linux_secure`).
    pub sourcetype: Option<String>,
    /// The host of records that name none.
    pub host: Option<String>,
}

fn answer(status: StatusCode, text: &'static str, code: u8) -> HttpResponse {
    HttpResponse::build(status).json(HecAnswer {
        text,
        code,
        invalid_event_number: None,
    })
}

pub(crate) fn refused(r: Refusal) -> HttpResponse {
    match r {
        Refusal::TokenRequired => answer(StatusCode::UNAUTHORIZED, "Token is required", 2),
        Refusal::InvalidAuthorization => {
            answer(StatusCode::UNAUTHORIZED, "Invalid authorization", 3)
        }
        Refusal::InvalidToken => answer(StatusCode::FORBIDDEN, "Invalid token", 4),
        Refusal::RateLimited(seconds) => {
            let mut r = answer(StatusCode::TOO_MANY_REQUESTS, "Server is busy", 9);
            if let Ok(v) = seconds.to_string().parse() {
                r.headers_mut().insert(RETRY_AFTER, v);
            }
            r
        }
        Refusal::TooLarge => answer(StatusCode::PAYLOAD_TOO_LARGE, "Content too large", 6),
        Refusal::Unreadable | Refusal::UnsupportedEncoding => {
            answer(StatusCode::BAD_REQUEST, "Invalid data format", 6)
        }
        Refusal::Internal(cause) => {
            tracing::error!(%cause, "agentless ingest failed");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
                8,
            )
        }
    }
}

fn outcome(result: Result<xdr_service::ingest::IngestReport, IngestError>) -> HttpResponse {
    match result {
        Ok(_) => answer(StatusCode::OK, "Success", 0),
        Err(IngestError::NoData) => answer(StatusCode::BAD_REQUEST, "No data", 5),
        Err(IngestError::InvalidFormat { index }) => HttpResponse::BadRequest().json(HecAnswer {
            text: "Invalid data format",
            code: 6,
            invalid_event_number: Some(index),
        }),
        Err(IngestError::TooManyEvents { .. }) => refused(Refusal::TooLarge),
        Err(IngestError::InvalidToken) => refused(Refusal::InvalidToken),
        Err(e) => refused(Refusal::Internal(e.to_string())),
    }
}

/// The token's log source and the body, or HEC's refusal (the token is checked before the
/// body is read).
async fn accept(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<(IngestSource, String), HttpResponse> {
    let source = authenticate(state, req).await.map_err(refused)?;
    let body = read_body(req, payload, state.config.ingest_body_limit_bytes)
        .await
        .map_err(refused)?;
    Ok((source, body))
}

fn query(params: HecParams) -> HecQuery {
    HecQuery {
        sourcetype: params.sourcetype,
        host: params.host,
    }
}

/// Send events: one or more JSON envelopes `{"time"?, "host"?, "source"?, "sourcetype"?,
/// "event"}`, optionally gzip (`Content-Encoding: gzip`).
#[utoipa::path(post, path = "/services/collector/event", tag = "ingest", params(HecParams),
    security(("splunk" = [])), request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = HecAnswer), (status = 400, body = HecAnswer),
              (status = 401, body = HecAnswer), (status = 403, body = HecAnswer),
              (status = 413, body = HecAnswer), (status = 429, body = HecAnswer)))]
pub async fn event(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HecParams>,
    payload: web::Payload,
) -> HttpResponse {
    match accept(&state, &req, payload).await {
        Ok((source, body)) => outcome(
            state
                .ingest
                .hec_events(&source, &body, &query(params.into_inner()))
                .await,
        ),
        Err(answer) => answer,
    }
}

/// Send raw lines, one event per line (`?sourcetype=` picks the parser).
#[utoipa::path(post, path = "/services/collector/raw", tag = "ingest", params(HecParams),
    security(("splunk" = [])), request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = HecAnswer), (status = 400, body = HecAnswer),
              (status = 401, body = HecAnswer), (status = 403, body = HecAnswer),
              (status = 413, body = HecAnswer), (status = 429, body = HecAnswer)))]
pub async fn raw(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<HecParams>,
    payload: web::Payload,
) -> HttpResponse {
    match accept(&state, &req, payload).await {
        Ok((source, body)) => outcome(
            state
                .ingest
                .hec_raw(&source, &body, &query(params.into_inner()))
                .await,
        ),
        Err(answer) => answer,
    }
}

/// Whether the collector takes events (no token needed, as Splunk answers it).
#[utoipa::path(get, path = "/services/collector/health", tag = "ingest",
    responses((status = 200, body = HecAnswer)))]
pub async fn health() -> HttpResponse {
    answer(StatusCode::OK, "HEC is healthy", 17)
}
