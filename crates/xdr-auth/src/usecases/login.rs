//! Sign-in with email and password, behind the lockout.

use std::sync::Arc;

use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{AttemptDecision, AttemptOutcome, EndedLock, User};

use crate::audit_trail::{self, RESOURCE_SESSION, RESOURCE_USER};
use crate::blocking;
use crate::error::{InternalError, LoginError};
use crate::principal::ClientInfo;
use crate::service::AuthService;
use crate::tokens::TokenPair;

#[derive(Debug)]
pub struct LoggedIn {
    pub tokens: TokenPair,
    pub user: User,
}

/// The lockout key of an email as typed: a hash, so that attempted addresses (including ones
/// that belong to nobody) are not stored in the clear. Uses the same normalization as `Email`.
pub(crate) fn throttle_key(raw_email: &str) -> String {
    xdr_crypto::sha256_hex(raw_email.trim().to_lowercase().as_bytes())
}

impl AuthService {
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<LoggedIn, LoginError> {
        self.reserve_attempt(email, client).await?;
        let user = self.find_user_by_email(email).await?;
        let verified = self
            .hasher
            .verify(password, user.as_ref().map(|u| &u.password_hash))
            .await?;
        let user = match user {
            Some(user) if verified && user.is_active => user,
            _ => {
                tracing::info!(ip = client.ip.as_deref(), "failed sign-in");
                // An unknown email belongs to no organization: nothing to record.
                if let Some(user) = &user {
                    let reason = if user.is_active {
                        "wrong_password"
                    } else {
                        "inactive_user"
                    };
                    let entry = audit_trail::by_user(
                        user,
                        AuditAction::AuthLoginFailed,
                        RESOURCE_USER,
                        client,
                    )
                    .resource(user.id)
                    .failed("invalid_credentials")
                    .details(serde_json::json!({ "reason": reason }));
                    self.record(entry).await.map_err(InternalError::from)?;
                }
                // After the failure's own entry, so that `auth.locked` follows the failure
                // that caused it.
                self.conclude_attempt(email, user.as_ref(), AttemptOutcome::Failed, client)
                    .await?;
                return Err(LoginError::InvalidCredentials);
            }
        };
        self.conclude_attempt(email, Some(&user), AttemptOutcome::Succeeded, client)
            .await?;
        if self.hasher.needs_rehash(&user.password_hash) {
            self.rehash(&user, password).await?;
        }
        let now = self.now();
        let users = Arc::clone(&self.store.users);
        let (org, id) = (user.organization_id, user.id);
        blocking::run(move || users.record_login(org, id, now)).await?;
        let audit = audit_trail::by_user(&user, AuditAction::AuthLogin, RESOURCE_SESSION, client);
        let tokens = self.start_session(&user, client, Some(audit)).await?;
        let user = User {
            last_login_at: Some(now),
            ..user
        };
        Ok(LoggedIn { tokens, user })
    }

    /// Takes a reservation for one password check of `email`, or refuses: `Busy` when every
    /// reservation is in flight (retry in a moment), `Locked` while the account is locked (no
    /// audit entry per refusal: the lock's refusals are recorded once, when it ends).
    pub(crate) async fn reserve_attempt(
        &self,
        email: &str,
        client: &ClientInfo,
    ) -> Result<(), LoginError> {
        let throttle = Arc::clone(&self.store.throttle);
        let key = throttle_key(email);
        let policy = self.config.lockout;
        let now = self.now();
        let decision = blocking::run(move || throttle.register_attempt(&key, &policy, now)).await?;
        match decision {
            AttemptDecision::Proceed { ended_lock } => {
                if let Some(ended) = ended_lock.filter(|e| e.refused > 0) {
                    self.record_ended_lock(email, ended, client).await?;
                }
                Ok(())
            }
            AttemptDecision::Busy {
                retry_after_seconds,
            } => Err(LoginError::Busy {
                retry_after_seconds,
            }),
            AttemptDecision::Locked { until } => {
                let seconds = (until - now).num_seconds().max(1);
                Err(LoginError::Locked {
                    retry_after_seconds: u64::try_from(seconds).unwrap_or(1),
                })
            }
        }
    }

    /// Gives the reservation back with the password check's outcome; records `auth.locked` in
    /// the account's organization when this failure locked it.
    pub(crate) async fn conclude_attempt(
        &self,
        email: &str,
        user: Option<&User>,
        outcome: AttemptOutcome,
        client: &ClientInfo,
    ) -> Result<(), LoginError> {
        let throttle = Arc::clone(&self.store.throttle);
        let key = throttle_key(email);
        let policy = self.config.lockout;
        let now = self.now();
        let locked = blocking::run(move || throttle.conclude(&key, &policy, outcome, now)).await?;
        if let Some(until) = locked {
            tracing::warn!(until = %until, "sign-in locked after repeated failures");
            if let Some(user) = user {
                let entry =
                    audit_trail::by_user(user, AuditAction::AuthLocked, RESOURCE_USER, client)
                        .resource(user.id)
                        .failed("account_locked")
                        .details(serde_json::json!({
                            "failures": policy.max_failures,
                            "locked_until": until.to_rfc3339(),
                        }));
                self.record(entry).await.map_err(InternalError::from)?;
            }
        }
        Ok(())
    }

    /// One entry for a whole lock period: how many attempts it refused.
    async fn record_ended_lock(
        &self,
        email: &str,
        ended: EndedLock,
        client: &ClientInfo,
    ) -> Result<(), LoginError> {
        let Some(user) = self.find_user_by_email(email).await? else {
            return Ok(());
        };
        let entry =
            audit_trail::by_user(&user, AuditAction::AuthLoginFailed, RESOURCE_USER, client)
                .resource(user.id)
                .failed("account_locked")
                .details(serde_json::json!({
                    "refused_while_locked": ended.refused,
                    "locked_until": ended.until.to_rfc3339(),
                }));
        self.record(entry).await.map_err(InternalError::from)?;
        Ok(())
    }

    /// Stores `password` (just verified) hashed at the configured cost, unless the password
    /// changed meanwhile: the configured `auth.bcrypt_cost` reaches every account that signs in.
    async fn rehash(&self, user: &User, password: &str) -> Result<(), LoginError> {
        let rehashed = self.hasher.hash(password).await?;
        let users = Arc::clone(&self.store.users);
        let (org, id, current) = (user.organization_id, user.id, user.password_hash.clone());
        let replaced =
            blocking::run(move || users.rehash_password(org, id, &current, &rehashed)).await?;
        if replaced {
            tracing::info!(user_id = %id, cost = self.hasher.cost(), "password rehashed at the configured cost");
        }
        Ok(())
    }

    /// Deletes lockout states that are over, `limit` at a time (a background sweep).
    pub async fn prune_login_throttles(&self, limit: usize) -> Result<usize, InternalError> {
        let throttle = Arc::clone(&self.store.throttle);
        let (policy, now) = (self.config.lockout, self.now());
        Ok(blocking::run(move || throttle.prune(&policy, now, limit)).await?)
    }

    async fn find_user_by_email(&self, raw: &str) -> Result<Option<User>, LoginError> {
        let Ok(email) = xdr_domain::identity::Email::parse(raw) else {
            return Ok(None);
        };
        let users = Arc::clone(&self.store.users);
        Ok(blocking::run(move || users.find_by_email(&email)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_key_normalizes_like_email() {
        assert_eq!(
            throttle_key(" Alice@Example.com "),
            throttle_key("alice@example.com")
        );
        assert_ne!(
            throttle_key("alice@example.com"),
            throttle_key("bob@example.com")
        );
        assert_eq!(throttle_key("x").len(), 64);
    }
}
