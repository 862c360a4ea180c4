//! What every agentless request goes through before its body is read: the ingest token (from
//! `Authorization: Splunk <token>` or `Bearer <token>`), the token's rate limit, then the body,
//! read up to the limit, gunzipped (`Content-Encoding: gzip`) up to the same limit (a gzip bomb
//! stops there), and required to be UTF-8.

use std::io::Read;

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use flate2::read::MultiGzDecoder;
use futures_util::StreamExt;
use xdr_domain::inventory::IngestSource;
use xdr_service::IngestError;

use crate::state::AppState;

/// Why a request is refused before the use case sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization` header (HEC code 2).
    TokenRequired,
    /// A header that is not `Splunk <token>` or `Bearer <token>` (HEC code 3).
    InvalidAuthorization,
    /// Unknown, revoked or expired token (HEC code 4).
    InvalidToken,
    /// The token's allowance is spent: retry after this many seconds.
    RateLimited(u64),
    /// The body, or what it decompresses to, is over the limit.
    TooLarge,
    /// A body that is not valid gzip, or not UTF-8 (HEC code 6).
    Unreadable,
    /// An unsupported `Content-Encoding`.
    UnsupportedEncoding,
    Internal(String),
}

/// The token an `Authorization` header presents.
pub fn presented_token(req: &HttpRequest) -> Result<&str, Refusal> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(Refusal::TokenRequired)?
        .to_str()
        .map_err(|_| Refusal::InvalidAuthorization)?;
    let (scheme, token) = value.split_once(' ').ok_or(Refusal::InvalidAuthorization)?;
    let token = token.trim();
    if !(scheme.eq_ignore_ascii_case("splunk") || scheme.eq_ignore_ascii_case("bearer"))
        || token.is_empty()
    {
        return Err(Refusal::InvalidAuthorization);
    }
    Ok(token)
}

/// The log source the request's token feeds, within the token's rate limit.
pub async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<IngestSource, Refusal> {
    let token = presented_token(req)?;
    let source = state
        .ingest
        .authenticate(token)
        .await
        .map_err(|e| match e {
            IngestError::InvalidToken => Refusal::InvalidToken,
            other => Refusal::Internal(other.to_string()),
        })?;
    if let Some(limiter) = &state.ingest_rate_limiter
        && let Err(wait) = limiter.check(source.token_id.as_uuid())
    {
        return Err(Refusal::RateLimited(wait.as_secs().max(1)));
    }
    Ok(source)
}

fn gzipped(req: &HttpRequest) -> Result<bool, Refusal> {
    match req.headers().get(header::CONTENT_ENCODING) {
        None => Ok(false),
        Some(v) => match v.to_str().map(|s| s.trim().to_ascii_lowercase()) {
            Ok(s) if s == "gzip" || s == "x-gzip" => Ok(true),
            Ok(s) if s == "identity" || s.is_empty() => Ok(false),
            _ => Err(Refusal::UnsupportedEncoding),
        },
    }
}

/// The body as text, at most `limit` bytes both as sent and decompressed.
pub async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<String, Refusal> {
    let gzip = gzipped(req)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(Refusal::TooLarge);
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Refusal::Unreadable)?;
        if body.len() + chunk.len() > limit {
            return Err(Refusal::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    let bytes = if gzip {
        let mut out = Vec::new();
        let read_cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
        MultiGzDecoder::new(&body[..])
            .take(read_cap)
            .read_to_end(&mut out)
            .map_err(|_| Refusal::Unreadable)?;
        if out.len() > limit {
            return Err(Refusal::TooLarge);
        }
        out
    } else {
        body.to_vec()
    };
    String::from_utf8(bytes).map_err(|_| Refusal::Unreadable)
}
