//! Retention: removing the oldest prefix of each chain and anchoring what remains.

use chrono::{DateTime, Utc};
use diesel::dsl::min;
use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::audit::PruneReport;
use xdr_domain::ports::RepoResult;

use super::chain::lock_head;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{AnchorRow, parse_stored};
use crate::schema::{audit_anchors, audit_logs};
use crate::time::to_db;

/// Organizations with at least one entry older than `before`.
pub(crate) fn organizations_with_old_entries(
    conn: &mut AnyConnection,
    before: DateTime<Utc>,
) -> RepoResult<Vec<OrganizationId>> {
    audit_logs::table
        .filter(audit_logs::created_at.lt(to_db(before)))
        .select(audit_logs::organization_id)
        .distinct()
        .load::<String>(conn)
        .repo()?
        .iter()
        .map(|id| parse_stored(id, "audit_logs.organization_id"))
        .collect()
}

/// Inside a write transaction: deletes the entries of `org` that precede its first entry
/// created at or after `before` (all of them if there is none), so that only a prefix of the
/// chain goes, and records the last deleted entry as the anchor.
pub(crate) fn prune_organization(
    conn: &mut AnyConnection,
    org: OrganizationId,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RepoResult<Option<PruneReport>> {
    lock_head(conn, org, now).repo()?;
    let org_id = org.to_string();
    let first_kept: Option<i64> = audit_logs::table
        .filter(audit_logs::organization_id.eq(&org_id))
        .filter(audit_logs::created_at.ge(to_db(before)))
        .select(min(audit_logs::seq))
        .first(conn)
        .repo()?;
    let mut prunable = audit_logs::table
        .filter(audit_logs::organization_id.eq(&org_id))
        .select((audit_logs::seq, audit_logs::hash))
        .order(audit_logs::seq.desc())
        .into_boxed();
    if let Some(first_kept) = first_kept {
        prunable = prunable.filter(audit_logs::seq.lt(first_kept));
    }
    let Some((anchor_seq, anchor_hash)) =
        prunable.first::<(i64, String)>(conn).optional().repo()?
    else {
        return Ok(None);
    };
    let deleted = diesel::delete(
        audit_logs::table
            .filter(audit_logs::organization_id.eq(&org_id))
            .filter(audit_logs::seq.le(anchor_seq)),
    )
    .execute(conn)
    .repo()?;
    let deleted = i64::try_from(deleted).unwrap_or(i64::MAX);
    let previous = audit_anchors::table
        .find(&org_id)
        .first::<AnchorRow>(conn)
        .optional()
        .repo()?;
    let anchor = AnchorRow {
        organization_id: org_id.clone(),
        last_seq: anchor_seq,
        last_hash: anchor_hash.clone(),
        pruned_entries: previous.as_ref().map_or(0, |p| p.pruned_entries) + deleted,
        pruned_at: to_db(now),
    };
    if previous.is_some() {
        diesel::update(audit_anchors::table.find(&org_id))
            .set(&anchor)
            .execute(conn)
            .repo()?;
    } else {
        diesel::insert_into(audit_anchors::table)
            .values(&anchor)
            .execute(conn)
            .repo()?;
    }
    Ok(Some(PruneReport {
        organization_id: org,
        pruned: u64::try_from(deleted).unwrap_or(0),
        anchor_seq,
        anchor_hash,
    }))
}
