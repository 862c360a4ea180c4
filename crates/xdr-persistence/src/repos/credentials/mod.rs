//! The credential vault's storage: credentials (`owned`, always filtered by organization and
//! owner) and their sealed secrets, one row per field (`secrets`).

mod owned;
mod secrets;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::credentials::{
    Credential, CredentialChanges, NewCredential, SealedLocation, SealedRecord,
};
use xdr_domain::ports::{CredentialRepository, RepoResult};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{CredentialId, OrganizationId, UserId};

use super::audit::append_in_tx;
use crate::database::{CrossTenant, Database};

#[derive(Debug, Clone)]
pub struct SqlCredentialRepository {
    db: Database,
}

impl SqlCredentialRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl CredentialRepository for SqlCredentialRepository {
    fn create(&self, credential: NewCredential, audit: NewAuditEntry) -> RepoResult<Credential> {
        self.db.tenant_write(credential.organization_id, |c| {
            let created = owned::create(c, &credential)?;
            append_in_tx(c, &audit, credential.created_at)?;
            Ok(created)
        })
    }

    fn list(
        &self,
        org: OrganizationId,
        owner: UserId,
        before: Option<CredentialId>,
        limit: u32,
    ) -> RepoResult<Vec<Credential>> {
        self.db
            .tenant(org, |conn| owned::list(conn, org, owner, before, limit))
    }

    fn get(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
    ) -> RepoResult<Option<Credential>> {
        self.db.tenant(org, |conn| owned::get(conn, org, owner, id))
    }

    fn update(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        changes: &CredentialChanges,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Credential>> {
        self.db.tenant_write(org, |c| {
            let updated = owned::update(c, org, owner, id, changes, now)?;
            if updated.is_some() {
                append_in_tx(c, &audit, now)?;
            }
            Ok(updated)
        })
    }

    fn delete(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let deleted = owned::delete(c, org, owner, id)?;
            if deleted {
                append_in_tx(c, &audit, now)?;
            }
            Ok(deleted)
        })
    }

    fn touch_last_used(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let touched = owned::touch_last_used(c, org, owner, id, now)?;
            if touched {
                append_in_tx(c, &audit, now)?;
            }
            Ok(touched)
        })
    }

    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<SealedLocation>,
        limit: u32,
    ) -> RepoResult<Vec<SealedRecord>> {
        self.db.cross_tenant(CrossTenant::VaultKeyVersions, |conn| {
            secrets::list_stale(conn, active_version, after, limit)
        })
    }

    fn replace_sealed(
        &self,
        current: &SealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool> {
        // One record: its own organization's scope is enough.
        self.db.tenant(current.organization_id, |conn| {
            secrets::replace(conn, current, replacement)
        })
    }

    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>> {
        self.db.cross_tenant(CrossTenant::VaultKeyVersions, |conn| {
            secrets::count_by_key_version(conn)
        })
    }
}
