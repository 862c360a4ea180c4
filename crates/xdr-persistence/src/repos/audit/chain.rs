//! Appending to an organization's hash chain.
//!
//! Appends to one organization are serialized on its `audit_chain_heads` row. PostgreSQL:
//! `INSERT .. ON CONFLICT DO NOTHING` gives the first appender a row to lock, then
//! `SELECT .. FOR UPDATE` makes every other appender of that organization wait until the
//! transaction holding it ends. SQLite: the caller's `BEGIN IMMEDIATE` transaction already holds
//! the database's write lock. Either way two entries can never get the same `prev_hash`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use xdr_domain::audit::{AuditEntry, NewAuditEntry, canonical_bytes};
use xdr_domain::ports::RepoResult;
use xdr_domain::{AuditEntryId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{AuditRow, ChainHeadRow};
use crate::schema::{audit_chain_heads, audit_logs};
use crate::time::{from_db, to_db};

/// Hex SHA-256 of the canonical encoding of `entry`.
pub(crate) fn entry_hash(entry: &AuditEntry) -> String {
    hex::encode(Sha256::digest(canonical_bytes(entry)))
}

/// The chain head of `org`, created at genesis if missing, locked until the transaction ends.
pub(crate) fn lock_head(
    conn: &mut AnyConnection,
    org: OrganizationId,
    now: DateTime<Utc>,
) -> QueryResult<ChainHeadRow> {
    let org = org.to_string();
    let genesis = ChainHeadRow::genesis(&org, now);
    let query = audit_chain_heads::table.find(&org);
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::insert_into(audit_chain_heads::table)
                .values(&genesis)
                .on_conflict_do_nothing()
                .execute(pg)?;
            query.for_update().first(pg)
        }
        AnyConnection::Sqlite(lite) => {
            diesel::insert_into(audit_chain_heads::table)
                .values(&genesis)
                .on_conflict_do_nothing()
                .execute(lite)?;
            query.first(lite)
        }
    }
}

/// An audit entry must go to the chain of the organization whose data it records: a use case
/// that passes another organization's entry is refused on both backends (row-level security
/// would refuse it on PostgreSQL only).
pub(crate) fn same_organization(
    org: xdr_domain::OrganizationId,
    audit: &NewAuditEntry,
) -> RepoResult<()> {
    if audit.organization_id == org {
        Ok(())
    } else {
        Err(xdr_domain::RepoError::Internal(
            "the audit entry belongs to another organization".into(),
        ))
    }
}

/// Appends `entry` to its organization's chain inside the caller's write transaction, so that
/// it commits or rolls back with the change it records.
pub(crate) fn append_in_tx(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    now: DateTime<Utc>,
) -> RepoResult<AuditEntry> {
    let head = lock_head(conn, entry.organization_id, now).repo()?;
    let mut stored = AuditEntry {
        id: AuditEntryId::generate(),
        seq: head.last_seq + 1,
        created_at: from_db(to_db(now)),
        entry: entry.clone(),
        prev_hash: head.last_hash,
        hash: String::new(),
    };
    stored.hash = entry_hash(&stored);
    diesel::insert_into(audit_logs::table)
        .values(AuditRow::from(&stored))
        .execute(conn)
        .repo()?;
    diesel::update(audit_chain_heads::table.find(&head.organization_id))
        .set((
            audit_chain_heads::last_seq.eq(stored.seq),
            audit_chain_heads::last_hash.eq(&stored.hash),
            audit_chain_heads::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .repo()?;
    Ok(stored)
}

/// Every chain's last sequence number, summed: the entries ever appended (`/metrics`). One
/// row per organization, summed here (SQL's `SUM` of a `BIGINT` is `NUMERIC` on PostgreSQL).
pub(crate) fn entries_written(conn: &mut AnyConnection) -> RepoResult<u64> {
    let seqs = audit_chain_heads::table
        .select(audit_chain_heads::last_seq)
        .load::<i64>(conn)
        .repo()?;
    Ok(seqs
        .into_iter()
        .map(|seq| u64::try_from(seq).unwrap_or(0))
        .sum())
}
