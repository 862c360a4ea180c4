//! Ending sessions and listing them.

use std::sync::Arc;

use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{RevocationReason, Session};
use xdr_domain::{SessionId, UserId};

use crate::audit_trail::{self, RESOURCE_SESSION};
use crate::blocking;
use crate::error::AccountError;
use crate::principal::{ClientInfo, Principal};
use crate::service::AuthService;

impl AuthService {
    /// Drops every cached session of `user` on this instance, so that a change of their access
    /// (role, deactivation) takes effect on the next request.
    pub fn forget_sessions_of(&self, user: UserId) {
        self.cache.forget_user(user);
    }

    /// Ends the caller's current session.
    pub async fn logout(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        self.end_session(
            principal,
            principal.session_id,
            RevocationReason::Logout,
            client,
        )
        .await
    }

    /// Ends every session of the caller.
    pub async fn logout_all(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<u64, AccountError> {
        let audit =
            audit_trail::by_principal(principal, AuditAction::AuthLogout, RESOURCE_SESSION, client)
                .resource(principal.session_id)
                .details(serde_json::json!({ "reason": RevocationReason::LogoutAll.as_str() }));
        self.end_user_sessions(principal, None, RevocationReason::LogoutAll, Some(audit))
            .await
    }

    /// Ends one of the caller's own sessions; another user's session is `NotFound`.
    pub async fn revoke_session(
        &self,
        principal: &Principal,
        id: SessionId,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        self.end_session(principal, id, RevocationReason::RevokedByUser, client)
            .await
    }

    pub async fn list_sessions(&self, principal: &Principal) -> Result<Vec<Session>, AccountError> {
        let sessions = Arc::clone(&self.store.sessions);
        let (org, user, now) = (principal.organization_id, principal.user_id, self.now());
        Ok(blocking::run(move || sessions.list_active_for_user(org, user, now)).await?)
    }

    async fn end_session(
        &self,
        principal: &Principal,
        id: SessionId,
        reason: RevocationReason,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let audit =
            audit_trail::by_principal(principal, AuditAction::AuthLogout, RESOURCE_SESSION, client)
                .resource(id)
                .details(serde_json::json!({ "reason": reason.as_str() }));
        let sessions = Arc::clone(&self.store.sessions);
        let (org, user, now) = (principal.organization_id, principal.user_id, self.now());
        let ended =
            blocking::run(move || sessions.revoke(org, user, id, reason, now, audit)).await?;
        self.cache.forget(id);
        if ended {
            Ok(())
        } else {
            Err(AccountError::NotFound)
        }
    }

    pub(crate) async fn end_user_sessions(
        &self,
        principal: &Principal,
        keep: Option<SessionId>,
        reason: RevocationReason,
        audit: Option<xdr_domain::audit::NewAuditEntry>,
    ) -> Result<u64, AccountError> {
        let sessions = Arc::clone(&self.store.sessions);
        let (org, user, now) = (principal.organization_id, principal.user_id, self.now());
        let ended = blocking::run(move || {
            sessions.revoke_all_for_user(org, user, keep, reason, now, audit)
        })
        .await?;
        self.cache.forget_user(user);
        Ok(ended)
    }
}
