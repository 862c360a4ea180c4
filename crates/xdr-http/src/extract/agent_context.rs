//! `Signed<T>`: a request whose agent signature verified (API.md, "Signed requests"), with its
//! body parsed as `T` only after the signature over its exact bytes checked. The only source
//! of an agent caller's organization. A user's bearer token is never looked at here.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use xdr_auth::ClientInfo;
use xdr_domain::ports::NonceUse;
use xdr_service::agents::{AgentCaller, SignedInput};

use super::client::client_info;
use crate::error::ApiError;
use crate::json::body_error;
use crate::state::AppState;

/// A verified agent request and its body.
#[derive(Debug)]
pub struct Signed<T> {
    pub caller: AgentCaller,
    pub client: ClientInfo,
    pub body: T,
    /// Recorded already, unless `T::NONCE_IN_WRITE`: then the handler must pass it to the
    /// write that records it (a replay must never be served).
    pub nonce: NonceUse,
}

/// The body of a signed route.
pub trait SignedBody: DeserializeOwned {
    /// The handler's single write records the nonce itself (`POST /agents/events`: one write
    /// transaction per batch instead of two). Every other route has it recorded before the
    /// handler runs.
    const NONCE_IN_WRITE: bool = false;
}

fn header_str<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Empty bodies read as `{}` (rotate-secret and unenroll carry none).
fn parse<T: DeserializeOwned>(req: &HttpRequest, bytes: &[u8]) -> Result<T, ApiError> {
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    let json = header_str(req, header::CONTENT_TYPE.as_str()).is_none_or(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|m| m.trim() == "application/json")
    });
    if !json {
        return Err(ApiError::malformed(
            "Content-Type must be application/json.",
        ));
    }
    serde_json::from_slice(bytes).map_err(body_error)
}

fn payload_error(e: &actix_web::Error) -> ApiError {
    match e.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::payload_too_large(),
        _ => ApiError::malformed("The request body could not be read."),
    }
}

impl<T: SignedBody + 'static> FromRequest for Signed<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let bytes = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let bytes = bytes.await.map_err(|e| payload_error(&e))?;
            let path_with_query = req
                .uri()
                .path_and_query()
                .map_or_else(|| req.path(), |p| p.as_str());
            let input = SignedInput {
                agent_id: header_str(&req, "x-agent-id"),
                method: req.method().as_str(),
                path_with_query,
                timestamp: header_str(&req, "x-timestamp"),
                nonce: header_str(&req, "x-nonce"),
                signature: header_str(&req, "x-signature"),
                body: &bytes,
            };
            let verified = state.agents.verify(input).await?;
            if !T::NONCE_IN_WRITE {
                state.agents.record_nonce(&verified).await?;
            }
            let caller = verified.caller;
            if let Some(limiter) = &state.agent_rate_limiter
                && let Err(wait) = limiter.check(caller.agent_id.as_uuid())
            {
                return Err(ApiError::rate_limited(wait.as_secs().max(1)));
            }
            let body = parse(&req, &bytes)?;
            Ok(Signed {
                caller,
                client: client_info(&req),
                body,
                nonce: verified.nonce,
            })
        })
    }
}
