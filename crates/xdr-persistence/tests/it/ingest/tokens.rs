//! Ingest tokens: created with their audit entry only for a log source of the caller's
//! organization, listed newest first without their hash, revoked once and only by their
//! organization.

use chrono::Duration;
use xdr_domain::audit::AuditAction;
use xdr_domain::inventory::LogSourceType;
use xdr_domain::ports::IngestRepository;
use xdr_domain::{IngestTokenId, LogSourceId};
use xdr_persistence::Database;

use super::{audit, audited, create, found, hash, ingest_token, log_source, stored_rows};
use crate::support::{audit_entries, now, tenant};

both_backends!(
    a_created_token_is_stored_with_its_audit_entry,
    a_token_for_another_organizations_source_writes_nothing,
    an_audit_entry_of_another_organization_is_refused,
    a_revocation_audited_for_another_organization_is_refused,
    tokens_are_listed_newest_first_without_their_hash,
    a_token_is_revoked_once,
    another_organization_cannot_revoke_a_token,
);

fn a_created_token_is_stored_with_its_audit_entry(db: &Database) {
    let (org, admin) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let token = ingest_token(source.id, Some(admin.id), now());
    let h = hash("created");
    assert!(create(db, org.id, &token, &h));

    let listed = db
        .ingest()
        .list_ingest_tokens(org.id, source.id)
        .unwrap()
        .unwrap();
    assert_eq!(listed, vec![token.clone()], "stored as given");
    let entries: Vec<_> = audit_entries(db, org.id)
        .into_iter()
        .filter(|e| e.entry.action == AuditAction::IngestTokenCreated)
        .collect();
    assert_eq!(entries.len(), 1, "one ingest_token.created entry");
    let entry = &entries[0];
    assert_eq!(entry.entry.resource_type, "ingest_token");
    assert_eq!(entry.entry.resource_id, Some(token.id.to_string()));
    assert_eq!(entry.created_at, token.created_at, "audited when created");
    assert_eq!(found(db, &h).token_id, token.id);
}

fn a_token_for_another_organizations_source_writes_nothing(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let foreign = log_source(db, other.id, LogSourceType::Cowrie);
    let token = ingest_token(foreign.id, None, now());
    let h = hash("foreign");
    assert!(
        !create(db, org.id, &token, &h),
        "a log source of another organization is as missing"
    );
    let missing = ingest_token(LogSourceId::generate(), None, now());
    assert!(!create(db, org.id, &missing, &hash("missing")));

    assert_eq!(db.ingest().find_ingest_token(&h).unwrap(), None);
    assert_eq!(stored_rows(db, org.id), (0, 0), "no token row");
    assert_eq!(stored_rows(db, other.id), (0, 0));
    assert_eq!(
        db.ingest()
            .list_ingest_tokens(other.id, foreign.id)
            .unwrap(),
        Some(vec![])
    );
    assert_eq!(audited(db, org.id, AuditAction::IngestTokenCreated), 0);
    assert_eq!(audited(db, other.id, AuditAction::IngestTokenCreated), 0);
}

/// As the onboarding repository does: an entry goes to the chain of the organization whose
/// data it records, and a refused one writes nothing.
fn an_audit_entry_of_another_organization_is_refused(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let token = ingest_token(source.id, None, now());
    let h = hash("foreign-audit");
    let created = db.ingest().create_ingest_token(
        org.id,
        &token,
        &h,
        audit(other.id, AuditAction::IngestTokenCreated, &token),
    );
    let foreign_entries = audited(db, other.id, AuditAction::IngestTokenCreated);
    assert!(
        created.is_err(),
        "an entry of another organization is refused: {created:?} \
         ({foreign_entries} entries written to the other organization's chain)"
    );
    assert_eq!(stored_rows(db, org.id), (0, 0), "nothing was written");
    assert_eq!(db.ingest().find_ingest_token(&h).unwrap(), None);
    assert_eq!(audited(db, other.id, AuditAction::IngestTokenCreated), 0);
}

/// The same for a revocation: refused, and the token stays usable.
fn a_revocation_audited_for_another_organization_is_refused(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = super::stored_token(db, org.id, source.id);
    let revoked = db.ingest().revoke_ingest_token(
        org.id,
        source.id,
        token.id,
        now(),
        audit(other.id, AuditAction::IngestTokenRevoked, &token),
    );
    let foreign_entries = audited(db, other.id, AuditAction::IngestTokenRevoked);
    assert!(
        revoked.is_err(),
        "an entry of another organization is refused: {revoked:?} \
         ({foreign_entries} entries written to the other organization's chain)"
    );
    assert_eq!(found(db, &h).revoked_at, None, "nothing was written");
    assert_eq!(foreign_entries, 0);
}

fn tokens_are_listed_newest_first_without_their_hash(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let sibling = log_source(db, org.id, LogSourceType::Syslog);
    let at = now();
    let first = ingest_token(source.id, None, at - Duration::minutes(2));
    let second = ingest_token(source.id, None, at - Duration::minutes(1));
    let third = ingest_token(source.id, None, at);
    let elsewhere = ingest_token(sibling.id, None, at);
    let hashes = [hash("first"), hash("second"), hash("third")];
    for (token, h) in [&first, &second, &third].into_iter().zip(&hashes) {
        assert!(create(db, org.id, token, h));
    }
    assert!(create(db, org.id, &elsewhere, &hash("sibling")));

    let repo = db.ingest();
    let listed = repo.list_ingest_tokens(org.id, source.id).unwrap().unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![third.id, second.id, first.id],
        "newest first, only this log source's"
    );
    assert_eq!(listed[2], first);
    let shown = format!("{listed:?}");
    for h in &hashes {
        assert!(!shown.contains(h.as_str()), "no hash is read back");
    }
    assert_eq!(
        repo.list_ingest_tokens(org.id, sibling.id).unwrap(),
        Some(vec![elsewhere])
    );
    let empty = log_source(db, org.id, LogSourceType::Zeek);
    assert_eq!(
        repo.list_ingest_tokens(org.id, empty.id).unwrap(),
        Some(vec![])
    );
    assert_eq!(
        repo.list_ingest_tokens(other.id, source.id).unwrap(),
        None,
        "another organization's log source is as missing"
    );
    assert_eq!(
        repo.list_ingest_tokens(org.id, LogSourceId::generate())
            .unwrap(),
        None
    );
}

fn a_token_is_revoked_once(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = super::stored_token(db, org.id, source.id);
    let repo = db.ingest();
    let at = now();
    let revoke = |source: LogSourceId, id: IngestTokenId, when| {
        repo.revoke_ingest_token(
            org.id,
            source,
            id,
            when,
            audit(org.id, AuditAction::IngestTokenRevoked, &token),
        )
        .unwrap()
    };
    let sibling = log_source(db, org.id, LogSourceType::Syslog);
    assert!(
        !revoke(sibling.id, token.id, at),
        "not a token of that log source"
    );
    assert!(!revoke(source.id, IngestTokenId::generate(), at));
    assert_eq!(found(db, &h).revoked_at, None);

    assert!(revoke(source.id, token.id, at));
    assert!(
        !revoke(source.id, token.id, at + Duration::minutes(5)),
        "revoked once"
    );
    let listed = repo.list_ingest_tokens(org.id, source.id).unwrap().unwrap();
    assert_eq!(
        listed[0].revoked_at,
        Some(at),
        "the first revocation's time"
    );
    assert_eq!(found(db, &h).revoked_at, Some(at));
    assert!(!found(db, &h).accepts_at(at));
    assert_eq!(
        audited(db, org.id, AuditAction::IngestTokenRevoked),
        1,
        "only the revocation that applied is audited"
    );
}

fn another_organization_cannot_revoke_a_token(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = super::stored_token(db, org.id, source.id);
    let at = now();
    let revoked = db
        .ingest()
        .revoke_ingest_token(
            other.id,
            source.id,
            token.id,
            at,
            audit(other.id, AuditAction::IngestTokenRevoked, &token),
        )
        .unwrap();
    assert!(!revoked, "another organization cannot revoke it");
    let still = found(db, &h);
    assert_eq!(still.revoked_at, None);
    assert!(still.accepts_at(at), "the token is still usable");
    assert_eq!(audited(db, other.id, AuditAction::IngestTokenRevoked), 0);
    assert_eq!(audited(db, org.id, AuditAction::IngestTokenRevoked), 0);
}
