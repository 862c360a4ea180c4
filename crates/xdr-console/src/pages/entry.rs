//! What the three ways in (sign-in, registration, invitation) share: the API's per-IP limit
//! before any work, and the answer once a session exists.

use actix_web::{HttpRequest, HttpResponse};
use xdr_auth::{AuthService, TokenPair};

use crate::console::ConsoleState;
use crate::csrf;
use crate::error::ConsoleError;
use crate::render;
use crate::session;

/// Refuses (429) when the client's address is past the sign-in limit.
pub(crate) fn within_limit(state: &ConsoleState, req: &HttpRequest) -> Result<(), ConsoleError> {
    match &state.config.sign_in_limit {
        Some(limit) => limit(req).map_err(|wait| ConsoleError::TooManyRequests {
            retry_after_seconds: wait.as_secs().max(1),
        }),
        None => Ok(()),
    }
}

/// The session's cookie, a new CSRF token (one seen before signing in is not trusted after
/// it), and on to `location`.
pub(crate) fn signed_in(
    auth: &AuthService,
    tokens: &TokenPair,
    secure: bool,
    location: &str,
) -> Result<HttpResponse, ConsoleError> {
    let token = auth.browser_token(tokens)?;
    let mut cookies = vec![session::session_cookie(
        &token.token,
        token.max_age_seconds,
        secure,
    )];
    cookies.extend(csrf::fresh(secure).set_cookie);
    Ok(render::see_other(location, &cookies))
}
