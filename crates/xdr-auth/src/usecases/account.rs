//! The signed-in user's own account: profile and password.

use std::sync::Arc;
use std::time::Instant;

use xdr_domain::FieldErrors;
use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{AttemptOutcome, FullName, Organization, User};

use crate::audit_trail::{self, RESOURCE_USER};
use crate::blocking;
use crate::error::{AccountError, LoginError};
use crate::principal::{ClientInfo, Principal};
use crate::service::AuthService;
use crate::session_cache::{Lookup, Profile};

impl AuthService {
    /// The caller and their organization, as `GET /auth/me` shows them: served from the
    /// session cache when read less than its ttl (≤ 1 s) ago, like the session check itself.
    pub async fn me(&self, principal: &Principal) -> Result<Profile, AccountError> {
        let _refresh = match self
            .cache
            .profile(principal.user_id, principal.organization_id)
        {
            Lookup::Hit(profile) => return Ok(profile),
            Lookup::Miss(refresh) => refresh,
        };
        let read_started = Instant::now();
        let profile = Arc::new(self.load_me(principal).await?);
        self.cache
            .remember_profile(Arc::clone(&profile), read_started);
        Ok(profile)
    }

    /// The caller and their organization, read from storage now (never cached: the password
    /// check of `change_password` must see the current hash).
    async fn load_me(&self, principal: &Principal) -> Result<(User, Organization), AccountError> {
        let (users, orgs) = (
            Arc::clone(&self.store.users),
            Arc::clone(&self.store.organizations),
        );
        let (org, id) = (principal.organization_id, principal.user_id);
        let found = blocking::run(move || Ok((users.get(org, id)?, orgs.get(org)?))).await?;
        match found {
            (Some(user), Some(organization)) if user.organization_id == org => {
                Ok((user, organization))
            }
            _ => Err(AccountError::NotFound),
        }
    }

    pub async fn update_full_name(
        &self,
        principal: &Principal,
        full_name: &str,
    ) -> Result<User, AccountError> {
        let mut errors = FieldErrors::new();
        let Some(name) = errors.check("full_name", FullName::parse(full_name)) else {
            return Err(AccountError::Validation(errors));
        };
        let users = Arc::clone(&self.store.users);
        let (org, id, now) = (principal.organization_id, principal.user_id, self.now());
        let updated = blocking::run(move || users.update_full_name(org, id, &name, now)).await?;
        self.cache.forget_profile(id);
        updated.ok_or(AccountError::NotFound)
    }

    /// Changes the caller's password after checking the current one (which counts toward the
    /// lockout like a sign-in), then ends every other session of the caller.
    pub async fn change_password(
        &self,
        principal: &Principal,
        current: &str,
        new: &str,
        client: &ClientInfo,
    ) -> Result<(), AccountError> {
        let (user, organization) = self.load_me(principal).await?;
        let email = user.email.as_str();
        let locked_out = |e: LoginError| match e {
            LoginError::Locked {
                retry_after_seconds,
            } => AccountError::Locked {
                retry_after_seconds,
            },
            LoginError::Busy {
                retry_after_seconds,
            } => AccountError::Busy {
                retry_after_seconds,
            },
            LoginError::Internal(i) => AccountError::Internal(i),
            LoginError::InvalidCredentials => AccountError::NotFound,
        };
        self.reserve_attempt(email, client)
            .await
            .map_err(locked_out)?;
        let verified = self
            .hasher
            .verify(current, Some(&user.password_hash))
            .await?;
        let outcome = if verified {
            AttemptOutcome::Succeeded
        } else {
            AttemptOutcome::Failed
        };
        self.conclude_attempt(email, Some(&user), outcome, client)
            .await
            .map_err(locked_out)?;
        let mut errors = FieldErrors::new();
        if !verified {
            errors.add("current_password", "is incorrect");
            return Err(AccountError::Validation(errors));
        }
        let local_part = user.email.as_str().split('@').next().unwrap_or_default();
        let inputs = [
            user.email.as_str(),
            local_part,
            organization.name.as_str(),
            user.full_name.as_str(),
            current,
        ];
        errors.check(
            "new_password",
            self.hasher.check_policy(new, &inputs).await?,
        );
        if !errors.is_empty() {
            return Err(AccountError::Validation(errors));
        }
        let hash = self.hasher.hash(new).await?;
        let users = Arc::clone(&self.store.users);
        let (org, id, now) = (principal.organization_id, principal.user_id, self.now());
        let audit = audit_trail::by_user(
            &user,
            AuditAction::AuthPasswordChanged,
            RESOURCE_USER,
            client,
        )
        .resource(user.id)
        .details(serde_json::json!({ "other_sessions_ended": true }));
        let keep = principal.session_id;
        let updated =
            blocking::run(move || users.update_password(org, id, &hash, keep, now, audit)).await?;
        if !updated {
            return Err(AccountError::NotFound);
        }
        // The other sessions ended with the change: drop them from this process's cache too.
        self.cache.forget_user(principal.user_id);
        tracing::info!(user_id = %principal.user_id, "password changed; other sessions ended");
        Ok(())
    }
}
