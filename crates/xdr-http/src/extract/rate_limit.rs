//! `AuthRateLimit`: put it first in a handler's arguments to rate-limit it per client IP
//! (`SignInRateLimit` on the sign-in, which also counts its refusals).

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use xdr_domain::telemetry::SignInOutcome;

use super::client::client_info;
use crate::error::ApiError;
use crate::state::AppState;

/// Proof that the client (by IP, see `TrustedProxies`) is within its auth rate limit.
#[derive(Debug, Clone, Copy)]
pub struct AuthRateLimit;

impl FromRequest for AuthRateLimit {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(ApiError::internal(&"application state missing")));
        };
        let Some(limiter) = state.rate_limiter.as_ref() else {
            return ready(Ok(AuthRateLimit));
        };
        let ip = client_info(req).ip.and_then(|ip| ip.parse::<IpAddr>().ok());
        // No address (not a TCP peer): one shared bucket, so it cannot bypass the limit.
        let key = ip.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        ready(match limiter.check(key) {
            Ok(()) => Ok(AuthRateLimit),
            Err(wait) => Err(ApiError::rate_limited(wait.as_secs().max(1))),
        })
    }
}

/// [`AuthRateLimit`] of the sign-in: a refusal is counted as a `rate_limited` sign-in.
#[derive(Debug, Clone, Copy)]
pub struct SignInRateLimit;

impl FromRequest for SignInRateLimit {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = AuthRateLimit::from_request(req, payload).into_inner();
        if checked.is_err()
            && let Some(state) = req.app_data::<web::Data<AppState>>()
        {
            let sign_ins = &state.observability.telemetry.sign_ins;
            sign_ins.inc(SignInOutcome::RateLimited);
        }
        ready(checked.map(|_| SignInRateLimit))
    }
}
