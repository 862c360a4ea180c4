//! Managing the members of an organization.

use std::sync::Arc;

use xdr_domain::identity::{AccessChange, AccessChangeOutcome, Role, User};
use xdr_domain::{Page, PageRequest, UserId};

use xdr_domain::audit::AuditAction;

use super::{AdminError, AdminService};
use crate::access::require;
use xdr_auth::audit_trail::{self, RESOURCE_USER};
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, Principal};

impl AdminService {
    pub async fn list_users(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<User>, AdminError> {
        require(principal, Role::SocLead)?;
        let users = Arc::clone(&self.users);
        let org = principal.organization_id;
        let rows = blocking::run(move || users.list(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |u| u.id.as_uuid()))
    }

    /// Changes a member's role and/or active flag. A role change or deactivation ends all of
    /// that member's sessions at once; the last active admin cannot be demoted or deactivated.
    pub async fn update_user(
        &self,
        principal: &Principal,
        id: UserId,
        change: AccessChange,
        client: &ClientInfo,
    ) -> Result<User, AdminError> {
        require(principal, Role::Admin)?;
        let users = Arc::clone(&self.users);
        let (org, now) = (principal.organization_id, self.clock.now());
        let audit =
            audit_trail::by_principal(principal, AuditAction::UserUpdated, RESOURCE_USER, client)
                .resource(id)
                .details(serde_json::json!({
                    "role": change.role.map(|r| r.as_str()),
                    "is_active": change.is_active,
                }));
        let outcome =
            blocking::run(move || users.update_access(org, id, change, now, audit)).await?;
        match outcome {
            AccessChangeOutcome::Updated(user) => {
                self.auth.forget_sessions_of(user.id);
                tracing::info!(
                    organization_id = %org,
                    user_id = %user.id,
                    role = %user.role,
                    is_active = user.is_active,
                    "member access changed"
                );
                Ok(user)
            }
            AccessChangeOutcome::NotFound => Err(AdminError::NotFound),
            AccessChangeOutcome::LastAdmin => Err(AdminError::LastAdmin),
        }
    }
}
