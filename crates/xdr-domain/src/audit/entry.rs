//! Audit entries: what a use case asks to record, and what the chain stores.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::action::AuditAction;
use crate::ids::{AuditEntryId, OrganizationId, UserId};

/// What happened, by whom, from where. Written by storage in the transaction of the change it
/// records. `details` must never contain secrets (passwords, tokens, keys).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub organization_id: OrganizationId,
    pub actor_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub action: AuditAction,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub success: bool,
    pub error: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: Value,
}

impl NewAuditEntry {
    /// A successful `action` on `resource_type`, with no actor, client or details yet.
    pub fn new(organization_id: OrganizationId, action: AuditAction, resource_type: &str) -> Self {
        Self {
            organization_id,
            actor_id: None,
            actor_email: None,
            action,
            resource_type: resource_type.to_owned(),
            resource_id: None,
            success: true,
            error: None,
            ip: None,
            user_agent: None,
            details: Value::Object(serde_json::Map::new()),
        }
    }

    pub fn actor(mut self, id: UserId, email: Option<&str>) -> Self {
        self.actor_id = Some(id);
        self.actor_email = email.map(str::to_owned);
        self
    }

    pub fn resource(mut self, id: impl ToString) -> Self {
        self.resource_id = Some(id.to_string());
        self
    }

    pub fn client(mut self, ip: Option<&str>, user_agent: Option<&str>) -> Self {
        self.ip = ip.map(str::to_owned);
        self.user_agent = user_agent.map(str::to_owned);
        self
    }

    /// Marks the entry as a failure with a short, non-secret reason code.
    pub fn failed(mut self, error: &str) -> Self {
        self.success = false;
        self.error = Some(error.to_owned());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// A stored entry: the request plus its place in the organization's hash chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    /// Position in the organization's chain, from 1.
    pub seq: i64,
    pub created_at: DateTime<Utc>,
    pub entry: NewAuditEntry,
    /// `hash` of the previous entry ([`super::GENESIS_HASH`] for the first one).
    pub prev_hash: String,
    /// Hex SHA-256 of [`super::canonical_bytes`] of this entry.
    pub hash: String,
}

/// The result of walking an organization's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    pub valid: bool,
    pub entries_checked: u64,
    /// The first entry whose link or hash is wrong. `None` with `valid == false` means every
    /// stored entry links correctly but the chain ends before its recorded head (entries were
    /// removed from its end).
    pub first_bad_id: Option<AuditEntryId>,
}

/// What pruning did to one organization's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneReport {
    pub organization_id: OrganizationId,
    pub pruned: u64,
    /// Sequence number and hash of the last pruned entry: verification starts from here.
    pub anchor_seq: i64,
    pub anchor_hash: String,
}
