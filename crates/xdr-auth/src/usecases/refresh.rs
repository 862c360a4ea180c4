//! Refresh-token rotation with reuse detection.

use std::sync::Arc;

use xdr_domain::identity::RefreshOutcome;

use crate::blocking;
use crate::error::RefreshError;
use crate::service::AuthService;
use crate::tokens::{RefreshToken, TokenPair};

impl AuthService {
    /// Exchanges a current refresh token for a new pair. Presenting a token that was already
    /// rotated revokes its whole session (someone else holds a copy of it).
    pub async fn refresh(&self, presented: &str) -> Result<TokenPair, RefreshError> {
        let presented_hash = Self::hash_refresh(presented);
        let replacement = RefreshToken::generate();
        let replacement_hash = replacement.hash();
        let now = self.now();
        let sessions = Arc::clone(&self.store.sessions);
        let outcome =
            blocking::run(move || sessions.rotate_refresh(&presented_hash, &replacement_hash, now))
                .await?;
        let session = match outcome {
            RefreshOutcome::Rotated(session) => session,
            RefreshOutcome::ReuseDetected(session) => {
                self.cache.forget(session.id);
                tracing::warn!(
                    organization_id = %session.organization_id,
                    user_id = %session.user_id,
                    session_id = %session.id,
                    "refresh token reuse detected: session revoked"
                );
                return Err(RefreshError::ReuseDetected);
            }
            RefreshOutcome::Inactive | RefreshOutcome::Unknown => {
                return Err(RefreshError::Invalid);
            }
        };
        let users = Arc::clone(&self.store.users);
        let (org, user_id) = (session.organization_id, session.user_id);
        let user = blocking::run(move || users.get(org, user_id)).await?;
        match user {
            Some(user) if user.is_active => {
                Ok(self.token_pair(&user, session.id, replacement, now)?)
            }
            _ => Err(RefreshError::Invalid),
        }
    }
}
