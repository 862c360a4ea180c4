//! The audit log.

use chrono::{DateTime, Utc};

use crate::audit::{
    AuditCursor, AuditEntry, AuditFilter, AuditPage, AuditVerification, NewAuditEntry, PruneReport,
};
use crate::ids::OrganizationId;

use super::RepoResult;

/// The per-organization, hash-chained audit log. Appends to one organization are serialized so
/// that concurrent writers can never fork its chain. Entries of mutating use cases are written
/// by the repository performing the change, in its transaction; `append` is for events that
/// change nothing else (a failed sign-in, a lockout).
pub trait AuditLogRepository: Send + Sync {
    fn append(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> RepoResult<AuditEntry>;

    /// Entries of `org` matching `filter`, newest first, at most `limit`, starting after
    /// `cursor`.
    fn list(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        cursor: Option<AuditCursor>,
        limit: usize,
    ) -> RepoResult<AuditPage>;

    /// Streams every matching entry of `org`, newest first, in batches of at most
    /// `batch_size`, without holding more than one batch in memory. Stops early (successfully)
    /// when `sink` returns false. Returns how many entries were handed to `sink`.
    fn export(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        batch_size: usize,
        sink: &mut dyn FnMut(Vec<AuditEntry>) -> bool,
    ) -> RepoResult<u64>;

    /// Walks the chain of `org` from its anchor (or the beginning) and reports the first
    /// entry whose link or hash does not match.
    fn verify(&self, org: OrganizationId) -> RepoResult<AuditVerification>;

    /// Deletes, per organization, the oldest entries created before `before` (a prefix of the
    /// chain) and records the last deleted entry as the chain's anchor.
    fn prune(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> RepoResult<Vec<PruneReport>>;

    /// Operator metrics across organizations: how many entries were ever appended (each
    /// chain's last sequence number; pruning does not lower it).
    fn entries_written(&self) -> RepoResult<u64>;
}
