//! Discovery scans, always within one organization but for the interruption of abandoned
//! ones. A
//! scan's status moves only forward: queued → running → completed, failed, cancelled or
//! interrupted; each statement names the statuses it moves from.

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::onboarding::{Scan, ScanCounts, ScanStatus};
use xdr_domain::ports::RepoResult;
use xdr_domain::{OrganizationId, PageRequest, ScanId};

use super::limit;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::onboarding::{SCAN_COLUMNS, ScanRow};
use crate::repos::audit::append_in_tx;
use crate::schema::discovery_scans;
use crate::time::to_db;

/// The statuses that hold the organization's one scan slot (`ScanStatus::is_active`).
fn active() -> [&'static str; 2] {
    [ScanStatus::Queued.as_str(), ScanStatus::Running.as_str()]
}

/// Stores a queued scan; a second active one breaks `uq_discovery_scans_active`.
pub(super) fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    scan: &Scan,
    audit: &NewAuditEntry,
) -> RepoResult<()> {
    diesel::insert_into(discovery_scans::table)
        .values(ScanRow::new(org.to_string(), scan))
        .execute(conn)
        .repo()?;
    append_in_tx(conn, audit, scan.created_at)?;
    Ok(())
}

pub(super) fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: ScanId,
) -> RepoResult<Option<Scan>> {
    discovery_scans::table
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .filter(discovery_scans::id.eq(id.to_string()))
        .select(SCAN_COLUMNS)
        .first::<ScanRow>(conn)
        .optional()
        .repo()?
        .map(Scan::try_from)
        .transpose()
}

pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    page: &PageRequest,
) -> RepoResult<Vec<Scan>> {
    let mut query = discovery_scans::table
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .select(SCAN_COLUMNS)
        .order(discovery_scans::id.desc())
        .limit(limit(page))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(discovery_scans::id.lt(before.to_string()));
    }
    query
        .load::<ScanRow>(conn)
        .repo()?
        .into_iter()
        .map(Scan::try_from)
        .collect()
}

pub(super) fn start(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: ScanId,
    now: DateTime<Utc>,
    claimed_until: DateTime<Utc>,
) -> RepoResult<bool> {
    let changed = diesel::update(discovery_scans::table)
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .filter(discovery_scans::id.eq(id.to_string()))
        .filter(discovery_scans::status.eq(ScanStatus::Queued.as_str()))
        .set((
            discovery_scans::status.eq(ScanStatus::Running.as_str()),
            discovery_scans::started_at.eq(to_db(now)),
            discovery_scans::claimed_until.eq(to_db(claimed_until)),
        ))
        .execute(conn)
        .repo()?;
    Ok(changed > 0)
}

/// The counts of a running scan and its renewed claim; false (nothing written) when it is
/// not running.
pub(super) fn record_counts(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: ScanId,
    counts: ScanCounts,
    claimed_until: DateTime<Utc>,
) -> RepoResult<bool> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let changed = diesel::update(discovery_scans::table)
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .filter(discovery_scans::id.eq(id.to_string()))
        .filter(discovery_scans::status.eq(ScanStatus::Running.as_str()))
        .set((
            discovery_scans::hosts_scanned.eq(count(counts.hosts_scanned)),
            discovery_scans::found.eq(count(counts.found)),
            discovery_scans::claimed_until.eq(to_db(claimed_until)),
        ))
        .execute(conn)
        .repo()?;
    Ok(changed > 0)
}

/// Ends an active scan as `status`; false when it had ended already (or does not exist).
pub(super) fn finish(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: ScanId,
    status: ScanStatus,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> RepoResult<bool> {
    let changed = diesel::update(discovery_scans::table)
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .filter(discovery_scans::id.eq(id.to_string()))
        .filter(discovery_scans::status.eq_any(active()))
        .set((
            discovery_scans::status.eq(status.as_str()),
            discovery_scans::error.eq(error),
            discovery_scans::finished_at.eq(to_db(now)),
        ))
        .execute(conn)
        .repo()?;
    Ok(changed > 0)
}

/// Cancels an active scan and audits it; an ended scan comes back unchanged, unaudited.
pub(super) fn cancel(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: ScanId,
    now: DateTime<Utc>,
    audit: &NewAuditEntry,
) -> RepoResult<Option<Scan>> {
    if finish(conn, org, id, ScanStatus::Cancelled, None, now)? {
        append_in_tx(conn, audit, now)?;
    }
    get(conn, org, id)
}

/// The active scans of every organization that no instance runs any more become
/// `interrupted` (cross-tenant scope): running with a claim that ran out, or queued, never
/// started, and created before `unclaimed_before`.
pub(super) fn interrupt_abandoned(
    conn: &mut AnyConnection,
    now: DateTime<Utc>,
    unclaimed_before: DateTime<Utc>,
) -> RepoResult<u64> {
    let changed = diesel::update(discovery_scans::table)
        .filter(discovery_scans::status.eq_any(active()))
        .filter(
            discovery_scans::claimed_until
                .lt(to_db(now))
                .or(discovery_scans::claimed_until
                    .is_null()
                    .and(discovery_scans::created_at.lt(to_db(unclaimed_before)))),
        )
        .set((
            discovery_scans::status.eq(ScanStatus::Interrupted.as_str()),
            discovery_scans::finished_at.eq(to_db(now)),
        ))
        .execute(conn)
        .repo()?;
    Ok(u64::try_from(changed).unwrap_or(u64::MAX))
}

pub(super) fn has_completed(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<bool> {
    let completed = discovery_scans::table
        .filter(discovery_scans::organization_id.eq(org.to_string()))
        .filter(discovery_scans::status.eq(ScanStatus::Completed.as_str()));
    diesel::select(exists(completed)).get_result(conn).repo()
}
