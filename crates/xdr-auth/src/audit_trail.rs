//! Building the audit entries of the identity use cases, and writing the ones that record no
//! other change (failed sign-ins, lockouts). Entries of changes are handed to the repository
//! that performs the change, which writes them in the same transaction.
//!
//! Never put a password, token or hash into an entry.

use std::sync::Arc;

use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::identity::User;
use xdr_domain::{OrganizationId, RepoError};

use crate::blocking;
use crate::principal::{ClientInfo, Principal};
use crate::service::AuthService;

pub const RESOURCE_ORGANIZATION: &str = "organization";
pub const RESOURCE_SESSION: &str = "session";
pub const RESOURCE_USER: &str = "user";

/// An entry of `org` for `action`, from `client`, with no actor yet.
pub fn entry(
    org: OrganizationId,
    action: AuditAction,
    resource_type: &str,
    client: &ClientInfo,
) -> NewAuditEntry {
    NewAuditEntry::new(org, action, resource_type)
        .client(client.ip.as_deref(), client.user_agent.as_deref())
}

/// An entry whose actor is `user` (with their email).
pub fn by_user(
    user: &User,
    action: AuditAction,
    resource_type: &str,
    client: &ClientInfo,
) -> NewAuditEntry {
    entry(user.organization_id, action, resource_type, client)
        .actor(user.id, Some(user.email.as_str()))
}

/// An entry whose actor is the signed-in caller.
pub fn by_principal(
    principal: &Principal,
    action: AuditAction,
    resource_type: &str,
    client: &ClientInfo,
) -> NewAuditEntry {
    entry(principal.organization_id, action, resource_type, client).actor(principal.user_id, None)
}

impl AuthService {
    /// Appends an entry that records no other change.
    pub(crate) async fn record(&self, entry: NewAuditEntry) -> Result<(), RepoError> {
        let audit = Arc::clone(&self.store.audit);
        let now = self.now();
        blocking::run(move || audit.append(entry, now).map(|_| ())).await
    }
}
