//! `EventRetentionRepository`: events received before a cutoff go, a small batch at a time.
//!
//! Event ids are UUID v7 made from the reception time (`xdr_domain::detection::event_id`), so
//! "received before the cutoff" is "id below `EventId::first_received_at(cutoff)`", answered by
//! the `(organization_id, id)` index the table already has: each batch finds the organization's
//! `limit`-th oldest id after the previous batch there and deletes the range up to it, never
//! scanning the table. No other table references
//! an event row (incidents keep their own counts and times), so no foreign key is touched.

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::ports::{EventRetentionRepository, PrunedBatch, RepoResult};
use xdr_domain::{EventId, OrganizationId};

use super::SqlDetectionRepository;
use crate::connection::AnyConnection;
use crate::database::CrossTenant;
use crate::error::DbResultExt;
use crate::models::parse_stored;
use crate::schema::{events, organizations};

/// The least id kept: every event received before `before` has a smaller one.
fn first_kept(before: DateTime<Utc>) -> String {
    EventId::first_received_at(before).to_string()
}

fn organizations_with_events_before(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> RepoResult<Vec<OrganizationId>> {
    // One index probe per organization, instead of reading every old event's organization.
    organizations::table
        .filter(exists(
            events::table
                .filter(events::organization_id.eq(organizations::id))
                .filter(events::id.lt(first_kept(before))),
        ))
        .select(organizations::id)
        .order(organizations::id.asc())
        .load::<String>(conn)
        .repo()?
        .iter()
        .map(|id| parse_stored(id, "organizations.id"))
        .collect()
}

fn count_before(
    conn: &mut AnyConnection,
    org: OrganizationId,
    before: DateTime<Utc>,
) -> RepoResult<u64> {
    let n: i64 = events::table
        .filter(events::organization_id.eq(org.to_string()))
        .filter(events::id.lt(first_kept(before)))
        .count()
        .get_result(conn)
        .repo()?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The same statements on both backends (SQLite's bundled build has no `DELETE ... LIMIT`):
/// the `limit`-th oldest id after `after`, read from the index, bounds a range delete. Each
/// statement's range starts at `after` (`""` sorts before every id): on PostgreSQL the rows
/// earlier batches deleted stay in the index until vacuumed, and a scan from the
/// organization's first id would walk all of them again.
fn delete_oldest(
    conn: &mut AnyConnection,
    org: OrganizationId,
    before: DateTime<Utc>,
    after: Option<EventId>,
    limit: u32,
) -> RepoResult<PrunedBatch> {
    let org = org.to_string();
    let first_kept = first_kept(before);
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let last_of_batch: Option<String> = events::table
        .filter(events::organization_id.eq(&org))
        .filter(events::id.gt(&after))
        .filter(events::id.lt(&first_kept))
        .select(events::id)
        .order(events::id.asc())
        .offset(i64::from(limit.saturating_sub(1)))
        .first(conn)
        .optional()
        .repo()?;
    let range = events::table
        .filter(events::organization_id.eq(&org))
        .filter(events::id.gt(&after));
    // One upper bound only: given `id < first_kept` as well, SQLite walks the index up to the
    // cutoff (every old event) instead of up to the batch's last id.
    let deleted = match &last_of_batch {
        Some(last) => diesel::delete(range.filter(events::id.le(last))).execute(conn),
        // Fewer than `limit` left: all of them.
        None => diesel::delete(range.filter(events::id.lt(&first_kept))).execute(conn),
    }
    .repo()?;
    Ok(PrunedBatch {
        deleted: u64::try_from(deleted).unwrap_or(u64::MAX),
        resume_after: last_of_batch
            .map(|last| parse_stored(&last, "events.id"))
            .transpose()?,
    })
}

impl EventRetentionRepository for SqlDetectionRepository {
    fn organizations_with_events_before(
        &self,
        before: DateTime<Utc>,
    ) -> RepoResult<Vec<OrganizationId>> {
        self.db.cross_tenant(CrossTenant::EventPrune, |conn| {
            organizations_with_events_before(conn, before)
        })
    }

    fn count_events_before(&self, org: OrganizationId, before: DateTime<Utc>) -> RepoResult<u64> {
        self.db.tenant(org, |conn| count_before(conn, org, before))
    }

    fn prune_events_before(
        &self,
        org: OrganizationId,
        before: DateTime<Utc>,
        after: Option<EventId>,
        limit: u32,
    ) -> RepoResult<PrunedBatch> {
        // A write scope: on SQLite the batch queues for the one writer like an ingest does,
        // so an ingest waits for at most one batch, never for a whole sweep.
        let started = std::time::Instant::now();
        let batch = self
            .db
            .tenant_write(org, |conn| delete_oldest(conn, org, before, after, limit))?;
        let transaction = started.elapsed();
        // SQLite: the pages the batch wrote to the write-ahead log are copied back at once, off
        // the writer. Left to the periodic checkpoint, which ingest outpaces, the log grew by
        // every batch until a commit (an ingest's as likely as a batch's) paid SQLite's
        // automatic checkpoint: 50-230 ms every ~10,000 pages, measured on 1 M events.
        if batch.deleted > 0
            && let Err(error) = self.db.checkpoint()
        {
            tracing::warn!(error = %error, "WAL checkpoint after an event prune batch failed");
        }
        tracing::debug!(
            deleted = batch.deleted,
            // Waiting for the writer (SQLite) included: what an ingest may wait behind.
            transaction_ms = transaction.as_secs_f64() * 1000.0,
            checkpoint_ms = (started.elapsed() - transaction).as_secs_f64() * 1000.0,
            "event prune transaction"
        );
        Ok(batch)
    }
}
