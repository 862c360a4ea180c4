//! Event retention: deleting the events received before a cutoff, a small batch at a time.

use chrono::{DateTime, Utc};

use crate::ids::{EventId, OrganizationId};

use super::RepoResult;

/// What `events.retention_days` needs from storage. Only events go: incidents keep their own
/// summary (counts, first and last seen, severity, status, notes, actions) and reference no
/// event row, so an incident outlives the events that opened it.
pub trait EventRetentionRepository: Send + Sync {
    /// Across organizations (an operator task): the organizations that have at least one
    /// event received before `before`.
    fn organizations_with_events_before(
        &self,
        before: DateTime<Utc>,
    ) -> RepoResult<Vec<OrganizationId>>;

    /// How many events of `org` were received before `before` (a dry run's report).
    fn count_events_before(&self, org: OrganizationId, before: DateTime<Utc>) -> RepoResult<u64>;

    /// Deletes at most `limit` of the oldest events of `org` received before `before` and
    /// after the id `after` (none: from the first), in one short transaction of its own.
    /// Passing the previous batch's `resume_after` keeps each batch's index scan short even
    /// where deleted rows linger until vacuumed (PostgreSQL).
    fn prune_events_before(
        &self,
        org: OrganizationId,
        before: DateTime<Utc>,
        after: Option<EventId>,
        limit: u32,
    ) -> RepoResult<PrunedBatch>;
}

/// What one batch of [`EventRetentionRepository::prune_events_before`] deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrunedBatch {
    pub deleted: u64,
    /// The batch was full: its greatest id, where the next batch starts. `None`: nothing
    /// older than the cutoff is left after `after`.
    pub resume_after: Option<EventId>,
}
