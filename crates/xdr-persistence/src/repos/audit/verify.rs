//! Walking a chain: every entry must sit at the next position, link to its predecessor's hash
//! and hash to its stored `hash`; the last one must be the recorded head.

use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::audit::{AuditEntry, AuditVerification, GENESIS_HASH};
use xdr_domain::ports::RepoResult;

use super::chain::entry_hash;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{AUDIT_COLUMNS, AnchorRow, AuditRow, ChainHeadRow};
use crate::schema::{audit_anchors, audit_chain_heads, audit_logs};

/// Entries read per query while walking.
const VERIFY_BATCH: i64 = 1000;

fn bad(checked: u64, row_id: &str) -> AuditVerification {
    AuditVerification {
        valid: false,
        entries_checked: checked,
        first_bad_id: row_id.parse().ok(),
    }
}

pub(crate) fn verify(
    conn: &mut AnyConnection,
    org: OrganizationId,
) -> RepoResult<AuditVerification> {
    let org_id = org.to_string();
    // The head is read first: entries past it were appended after the walk began.
    let head = audit_chain_heads::table
        .find(&org_id)
        .first::<ChainHeadRow>(conn)
        .optional()
        .repo()?;
    let anchor = audit_anchors::table
        .find(&org_id)
        .first::<AnchorRow>(conn)
        .optional()
        .repo()?;
    let (mut expected_seq, mut expected_prev) = match anchor {
        Some(a) => (a.last_seq + 1, a.last_hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let last_seq = head.as_ref().map_or(0, |h| h.last_seq);
    let mut checked = 0u64;
    let mut after = expected_seq - 1;
    loop {
        let rows = audit_logs::table
            .filter(audit_logs::organization_id.eq(&org_id))
            .filter(audit_logs::seq.gt(after))
            .filter(audit_logs::seq.le(last_seq))
            .order(audit_logs::seq.asc())
            .limit(VERIFY_BATCH)
            .select(AUDIT_COLUMNS)
            .load::<AuditRow>(conn)
            .repo()?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in rows {
            checked += 1;
            let id = row.id.clone();
            let Ok(entry) = AuditEntry::try_from(row) else {
                return Ok(bad(checked, &id));
            };
            let linked = entry.seq == expected_seq && entry.prev_hash == expected_prev;
            if !linked || entry_hash(&entry) != entry.hash {
                return Ok(bad(checked, &id));
            }
            expected_seq += 1;
            expected_prev = entry.hash;
        }
    }
    // Every stored entry links; the walk must also end exactly at the recorded head.
    let ends_at_head = match &head {
        Some(h) => h.last_seq == expected_seq - 1 && h.last_hash == expected_prev,
        None => checked == 0,
    };
    Ok(AuditVerification {
        valid: ends_at_head,
        entries_checked: checked,
        first_bad_id: None,
    })
}
