//! Turning a bearer token into a verified `Principal`.

use std::sync::Arc;
use std::time::Instant;

use crate::blocking;
use crate::error::AuthenticateError;
use crate::principal::Principal;
use crate::service::AuthService;
use crate::session_cache::Lookup;

impl AuthService {
    /// Verifies the access token and that its session is still active (cached ≤ 1 s).
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal, AuthenticateError> {
        let now = self.now();
        let claims = self
            .jwt
            .verify(bearer, now)
            .map_err(|_| AuthenticateError::Unauthorized)?;
        self.active_principal(claims, now).await
    }

    /// The principal of verified claims, once their session is known to be active.
    pub(crate) async fn active_principal(
        &self,
        claims: crate::jwt::AccessClaims,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Principal, AuthenticateError> {
        let principal = Principal {
            user_id: claims.sub,
            organization_id: claims.org,
            role: claims.role,
            session_id: claims.sid,
        };
        // Held across the storage read: should this request be cancelled while it waits (or
        // the read fail), dropping it hands the refresh to the next request.
        let _refresh = match self.cache.session(
            principal.session_id,
            principal.user_id,
            principal.organization_id,
        ) {
            Lookup::Hit(()) => return Ok(principal),
            Lookup::Miss(refresh) => refresh,
        };
        let sessions = Arc::clone(&self.store.sessions);
        let (org, sid) = (principal.organization_id, principal.session_id);
        let read_started = Instant::now();
        let session = blocking::run(move || sessions.get(org, sid)).await?;
        match session {
            Some(s)
                if s.user_id == principal.user_id
                    && s.organization_id == principal.organization_id
                    && s.is_active(now) =>
            {
                self.cache
                    .remember(s.id, s.user_id, s.organization_id, read_started);
                Ok(principal)
            }
            _ => {
                // Ended since it was cached (found by a refresh ahead): no one uses it now.
                self.cache.forget(principal.session_id);
                Err(AuthenticateError::Unauthorized)
            }
        }
    }
}
