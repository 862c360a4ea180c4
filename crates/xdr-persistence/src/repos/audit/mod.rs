//! The audit log port: a hash chain per organization (see `chain` for how appends are
//! serialized, `verify` for the walk and `prune` for retention).

mod chain;
mod prune;
mod query;
mod verify;

pub(crate) use chain::{append_in_tx, same_organization};

use chrono::{DateTime, Utc};
use xdr_domain::OrganizationId;
use xdr_domain::audit::{
    AuditCursor, AuditEntry, AuditFilter, AuditPage, AuditVerification, NewAuditEntry, PruneReport,
};
use xdr_domain::ports::{AuditLogRepository, RepoResult};

use crate::database::{CrossTenant, Database};

#[derive(Debug, Clone)]
pub struct SqlAuditLogRepository {
    db: Database,
}

impl SqlAuditLogRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl AuditLogRepository for SqlAuditLogRepository {
    fn append(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> RepoResult<AuditEntry> {
        self.db
            .tenant_write(entry.organization_id, |c| append_in_tx(c, &entry, now))
    }

    fn list(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        cursor: Option<AuditCursor>,
        limit: usize,
    ) -> RepoResult<AuditPage> {
        self.db
            .tenant(org, |conn| query::page(conn, org, filter, cursor, limit))
    }

    fn export(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        batch_size: usize,
        sink: &mut dyn FnMut(Vec<AuditEntry>) -> bool,
    ) -> RepoResult<u64> {
        let mut cursor = None;
        let mut sent = 0u64;
        loop {
            // A connection per batch: a slow reader must not hold one for the whole export.
            let page = self.db.tenant(org, |conn| {
                query::page(conn, org, filter, cursor, batch_size)
            })?;
            sent += page.items.len() as u64;
            if (!page.items.is_empty() && !sink(page.items)) || page.next.is_none() {
                return Ok(sent);
            }
            cursor = page.next;
        }
    }

    fn verify(&self, org: OrganizationId) -> RepoResult<AuditVerification> {
        self.db.tenant(org, |conn| verify::verify(conn, org))
    }

    fn prune(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> RepoResult<Vec<PruneReport>> {
        let orgs = self.db.cross_tenant(CrossTenant::AuditPrune, |conn| {
            prune::organizations_with_old_entries(conn, before)
        })?;
        let mut reports = Vec::new();
        for org in orgs {
            let report = self
                .db
                .tenant_write(org, |c| prune::prune_organization(c, org, before, now))?;
            reports.extend(report);
        }
        Ok(reports)
    }

    fn entries_written(&self) -> RepoResult<u64> {
        self.db
            .cross_tenant(CrossTenant::Metrics, chain::entries_written)
    }
}
