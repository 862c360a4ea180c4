//! Refresh-token rotation with reuse detection.

use std::sync::Arc;

use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{RefreshOutcome, Session};

use crate::audit_trail::{self, RESOURCE_SESSION};
use crate::blocking;
use crate::error::RefreshError;
use crate::principal::ClientInfo;
use crate::service::AuthService;
use crate::tokens::{RefreshToken, TokenPair};

impl AuthService {
    /// Exchanges a current refresh token for a new pair. Presenting a token that was already
    /// rotated revokes its whole session (someone else holds a copy of it).
    /// The revocation is recorded as `auth.refresh_reuse_detected` in its transaction.
    pub async fn refresh(
        &self,
        presented: &str,
        client: &ClientInfo,
    ) -> Result<TokenPair, RefreshError> {
        let presented_hash = Self::hash_refresh(presented);
        let replacement = RefreshToken::generate();
        let replacement_hash = replacement.hash();
        let now = self.now();
        let sessions = Arc::clone(&self.store.sessions);
        let client = client.clone();
        let on_reuse = move |session: &Session| {
            audit_trail::entry(
                session.organization_id,
                AuditAction::AuthRefreshReuseDetected,
                RESOURCE_SESSION,
                &client,
            )
            .actor(session.user_id, None)
            .resource(session.id)
            .failed("refresh_token_reused")
            .details(serde_json::json!({ "session_revoked": true }))
        };
        let outcome = blocking::run(move || {
            sessions.rotate_refresh(&presented_hash, &replacement_hash, now, &on_reuse)
        })
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
