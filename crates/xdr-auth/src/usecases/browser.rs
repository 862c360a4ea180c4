//! Web console sessions: the same login sessions as the API's, carried by a session token of
//! its own kind in a cookie.
//!
//! A console sign-in goes through `login` (lockout, audit, the session row) and exchanges the
//! pair it returns for a browser token of the same session; the refresh token is dropped, so
//! nothing rotates behind the browser's concurrent requests. The token is checked like an
//! access token, session included (cached ≤ 1 s): logging out in the console ends the session
//! for its API tokens too, and revoking it through the API signs the console out.

use crate::error::{AuthenticateError, InternalError};
use crate::jwt::{AccessSubject, BROWSER_TOKEN_TYPE};
use crate::principal::Principal;
use crate::service::AuthService;
use crate::tokens::TokenPair;

/// A console session token and how long the cookie that carries it may live.
#[derive(Debug)]
pub struct BrowserToken {
    pub token: String,
    pub max_age_seconds: i64,
}

impl AuthService {
    /// Exchanges a pair just issued by `login`, `register` or `accept_invitation` for a
    /// browser token of the same session.
    pub fn browser_token(&self, tokens: &TokenPair) -> Result<BrowserToken, InternalError> {
        let now = self.now();
        let claims = self.jwt.verify(&tokens.access_token, now)?;
        let subject = AccessSubject {
            user_id: claims.sub,
            organization_id: claims.org,
            role: claims.role,
            session_id: claims.sid,
        };
        let ttl = i64::try_from(self.config.browser_session_ttl.as_secs()).unwrap_or(i64::MAX);
        let token = self
            .jwt
            .issue_typed(subject, now, ttl, BROWSER_TOKEN_TYPE)?;
        Ok(BrowserToken {
            token,
            max_age_seconds: ttl,
        })
    }

    /// Verifies a console session token and that its session is still active. An API access
    /// token is refused here, as a browser token is refused by [`Self::authenticate`].
    pub async fn authenticate_browser(&self, token: &str) -> Result<Principal, AuthenticateError> {
        let now = self.now();
        let claims = self
            .jwt
            .verify_typed(token, now, BROWSER_TOKEN_TYPE)
            .map_err(|_| AuthenticateError::Unauthorized)?;
        self.active_principal(claims, now).await
    }
}
