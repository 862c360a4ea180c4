//! Rows of `audit_logs`, `audit_chain_heads` and `audit_anchors`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::audit::{AuditEntry, GENESIS_HASH, NewAuditEntry, canonical_json};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::{audit_anchors, audit_chain_heads, audit_logs};
use crate::time::{from_db, to_db};

/// The columns of [`AuditRow`], in field order.
pub(crate) type AuditColumns = (
    audit_logs::id,
    audit_logs::organization_id,
    audit_logs::seq,
    audit_logs::created_at,
    audit_logs::actor_id,
    audit_logs::actor_email,
    audit_logs::action,
    audit_logs::resource_type,
    audit_logs::resource_id,
    audit_logs::success,
    audit_logs::error,
    audit_logs::ip,
    audit_logs::user_agent,
    audit_logs::details,
    audit_logs::prev_hash,
    audit_logs::hash,
);
pub(crate) const AUDIT_COLUMNS: AuditColumns = (
    audit_logs::id,
    audit_logs::organization_id,
    audit_logs::seq,
    audit_logs::created_at,
    audit_logs::actor_id,
    audit_logs::actor_email,
    audit_logs::action,
    audit_logs::resource_type,
    audit_logs::resource_id,
    audit_logs::success,
    audit_logs::error,
    audit_logs::ip,
    audit_logs::user_agent,
    audit_logs::details,
    audit_logs::prev_hash,
    audit_logs::hash,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = audit_logs)]
pub(crate) struct AuditRow {
    pub id: String,
    pub organization_id: String,
    pub seq: i64,
    pub created_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub success: bool,
    pub error: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&AuditEntry> for AuditRow {
    fn from(stored: &AuditEntry) -> Self {
        let e = &stored.entry;
        Self {
            id: stored.id.to_string(),
            organization_id: e.organization_id.to_string(),
            seq: stored.seq,
            created_at: to_db(stored.created_at),
            actor_id: e.actor_id.map(|a| a.to_string()),
            actor_email: e.actor_email.clone(),
            action: e.action.as_str().to_owned(),
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id.clone(),
            success: e.success,
            error: e.error.clone(),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            details: canonical_json(&e.details),
            prev_hash: stored.prev_hash.clone(),
            hash: stored.hash.clone(),
        }
    }
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = RepoError;

    fn try_from(row: AuditRow) -> Result<Self, RepoError> {
        let details =
            serde_json::from_str(&row.details).map_err(|e| corrupt("audit_logs.details", e))?;
        Ok(AuditEntry {
            id: parse_stored(&row.id, "audit_logs.id")?,
            seq: row.seq,
            created_at: from_db(row.created_at),
            entry: NewAuditEntry {
                organization_id: parse_stored(&row.organization_id, "audit_logs.organization_id")?,
                actor_id: row
                    .actor_id
                    .map(|a| parse_stored(&a, "audit_logs.actor_id"))
                    .transpose()?,
                actor_email: row.actor_email,
                action: parse_stored(&row.action, "audit_logs.action")?,
                resource_type: row.resource_type,
                resource_id: row.resource_id,
                success: row.success,
                error: row.error,
                ip: row.ip,
                user_agent: row.user_agent,
                details,
            },
            prev_hash: row.prev_hash,
            hash: row.hash,
        })
    }
}

/// The end of an organization's chain. `last_seq = 0` with the genesis hash: no entry yet.
#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = audit_chain_heads)]
pub(crate) struct ChainHeadRow {
    pub organization_id: String,
    pub last_seq: i64,
    pub last_hash: String,
    pub updated_at: NaiveDateTime,
}

impl ChainHeadRow {
    pub(crate) fn genesis(organization_id: &str, now: DateTime<Utc>) -> Self {
        Self {
            organization_id: organization_id.to_owned(),
            last_seq: 0,
            last_hash: GENESIS_HASH.to_owned(),
            updated_at: to_db(now),
        }
    }
}

#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = audit_anchors)]
pub(crate) struct AnchorRow {
    pub organization_id: String,
    pub last_seq: i64,
    pub last_hash: String,
    pub pruned_entries: i64,
    pub pruned_at: NaiveDateTime,
}
