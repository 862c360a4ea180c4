//! `IngestRepository` on both backends: ingest tokens of log sources (`tokens`), finding one by
//! its hash (`lookup`), the events a token brings (`events`) and the log source's ingest status
//! (`status`), each within its organization. Fixtures below.

mod events;
mod lookup;
mod status;
mod tokens;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{EventFilter, EventInput, NewEvent, validate_batch};
use xdr_domain::inventory::{
    IngestSource, IngestTally, IngestToken, IngestTokenInput, LogSource, LogSourceType,
};
use xdr_domain::ports::{DetectionRepository, IngestRepository, InventoryRepository};
use xdr_domain::{LogSourceId, OrganizationId, PageRequest, UserId};
use xdr_persistence::Database;
use xdr_persistence::schema::{ingest_tokens, log_source_ingest};
use xdr_persistence::test_support::tenant_scope;

use crate::support::{audit_entries, now};

/// A stored, enabled log source of `org` of this type (its name unique).
pub fn log_source(db: &Database, org: OrganizationId, source_type: LogSourceType) -> LogSource {
    let at = now();
    let source = LogSource {
        id: LogSourceId::generate(),
        name: format!("source-{}", uuid::Uuid::new_v4().simple()),
        source_type,
        hostname: Some("honeypot-1".into()),
        description: None,
        enabled: true,
        created_at: at,
        updated_at: at,
    };
    db.inventory().create_log_source(org, &source).unwrap()
}

/// A token of `source` as the service validates it: labelled, expiring in 30 days.
pub fn ingest_token(source: LogSourceId, by: Option<UserId>, at: DateTime<Utc>) -> IngestToken {
    IngestTokenInput {
        label: Some("cowrie sensor".into()),
        expires_at: Some(at + Duration::days(30)),
    }
    .validate(source, by, at)
    .unwrap()
}

/// A hash no other test uses.
pub fn hash(tag: &str) -> String {
    format!("{tag}-{:x}", uuid::Uuid::new_v4().as_u128())
}

pub fn audit(org: OrganizationId, action: AuditAction, token: &IngestToken) -> NewAuditEntry {
    NewAuditEntry::new(org, action, "ingest_token").resource(token.id)
}

/// `create_ingest_token` with its `ingest_token.created` entry.
pub fn create(db: &Database, org: OrganizationId, token: &IngestToken, token_hash: &str) -> bool {
    db.ingest()
        .create_ingest_token(
            org,
            token,
            token_hash,
            audit(org, AuditAction::IngestTokenCreated, token),
        )
        .unwrap()
}

/// A stored token of `source` (of `org`) and the hash it was stored with.
pub fn stored_token(
    db: &Database,
    org: OrganizationId,
    source: LogSourceId,
) -> (IngestToken, String) {
    let token = ingest_token(source, None, now());
    let h = hash("stored");
    assert!(create(db, org, &token, &h));
    (token, h)
}

/// What `find_ingest_token` returns for `token_hash` (which must exist).
pub fn found(db: &Database, token_hash: &str) -> IngestSource {
    db.ingest().find_ingest_token(token_hash).unwrap().unwrap()
}

/// How many audit entries of `org` record `action`.
pub fn audited(db: &Database, org: OrganizationId, action: AuditAction) -> usize {
    audit_entries(db, org)
        .iter()
        .filter(|e| e.entry.action == action)
        .count()
}

/// (ingest token rows, ingest status rows) of `org`, as its own tenant scope sees them.
pub fn stored_rows(db: &Database, org: OrganizationId) -> (i64, i64) {
    tenant_scope(db, org, |conn| {
        let tokens = ingest_tokens::table
            .filter(ingest_tokens::organization_id.eq(org.to_string()))
            .count()
            .get_result::<i64>(conn)
            .unwrap();
        let statuses = log_source_ingest::table
            .filter(log_source_ingest::organization_id.eq(org.to_string()))
            .count()
            .get_result::<i64>(conn)
            .unwrap();
        Ok((tokens, statuses))
    })
    .unwrap()
}

/// `n` failed Cowrie logins from `src_ip`, received at `at`, as the service validates them.
pub fn failed_logins(
    org: OrganizationId,
    n: usize,
    src_ip: &str,
    at: DateTime<Utc>,
) -> Vec<NewEvent> {
    let inputs: Vec<EventInput> = (0..n)
        .map(|i| EventInput {
            event_type: "cowrie.login.failed".into(),
            src_ip: src_ip.into(),
            dst_port: Some(22),
            username: Some(format!("user{i}")),
            occurred_at: Some(at - Duration::seconds(i64::try_from(n - i).unwrap())),
            ..EventInput::default()
        })
        .collect();
    validate_batch(org, &inputs, at).unwrap()
}

pub fn tally(received: u64, parsed: u64, rejected: u64, last_error: Option<&str>) -> IngestTally {
    IngestTally {
        received,
        parsed,
        rejected,
        last_error: last_error.map(str::to_owned),
    }
}

/// Every stored event of `org`, newest first.
pub fn events_of(db: &Database, org: OrganizationId) -> Vec<Event> {
    db.detection()
        .list_events(
            org,
            &EventFilter::default(),
            &PageRequest::new(None, Some(500)),
        )
        .unwrap()
}
