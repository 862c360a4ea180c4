//! Finding a token by its hash, across organizations: what a request presenting its secret
//! learns (organization, log source, token, the source's type and state, expiry, revocation),
//! and that a hash belongs to one token only.

use chrono::Duration;
use xdr_domain::audit::AuditAction;
use xdr_domain::inventory::{IngestSource, IngestTokenInput, LogSourceChange, LogSourceType};
use xdr_domain::ports::{IngestRepository, InventoryRepository};
use xdr_persistence::Database;

use super::{audit, audited, create, found, hash, ingest_token, log_source, stored_rows};
use crate::support::{now, tenant};

both_backends!(
    a_hash_finds_its_token_and_log_source,
    a_hash_finds_the_revocation_and_the_source_state,
    an_unknown_hash_finds_nothing,
    a_token_hash_is_unique,
);

fn a_hash_finds_its_token_and_log_source(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Suricata);
    let theirs = log_source(db, other.id, LogSourceType::Cowrie);
    let at = now();
    let token = ingest_token(source.id, None, at);
    let forever = IngestTokenInput::default()
        .validate(theirs.id, None, at)
        .unwrap();
    let (h, h_theirs) = (hash("mine"), hash("theirs"));
    assert!(create(db, org.id, &token, &h));
    assert!(create(db, other.id, &forever, &h_theirs));

    assert_eq!(
        found(db, &h),
        IngestSource {
            organization_id: org.id,
            log_source_id: source.id,
            token_id: token.id,
            source_type: LogSourceType::Suricata,
            source_enabled: true,
            expires_at: Some(at + Duration::days(30)),
            revoked_at: None,
        }
    );
    let other_source = found(db, &h_theirs);
    assert_eq!(other_source.organization_id, other.id);
    assert_eq!(other_source.log_source_id, theirs.id);
    assert_eq!(other_source.token_id, forever.id);
    assert_eq!(other_source.source_type, LogSourceType::Cowrie);
    assert_eq!(other_source.expires_at, None, "lasts until revoked");
    assert!(other_source.accepts_at(at + Duration::days(3650)));
    assert!(found(db, &h).accepts_at(at));
    assert!(
        !found(db, &h).accepts_at(at + Duration::days(30)),
        "expired"
    );
}

fn a_hash_finds_the_revocation_and_the_source_state(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = super::stored_token(db, org.id, source.id);
    let at = now();
    assert!(
        db.ingest()
            .revoke_ingest_token(
                org.id,
                source.id,
                token.id,
                at,
                audit(org.id, AuditAction::IngestTokenRevoked, &token),
            )
            .unwrap()
    );
    let revoked = found(db, &h);
    assert_eq!(revoked.revoked_at, Some(at));
    assert_eq!(revoked.token_id, token.id);
    assert!(!revoked.accepts_at(at));

    let (live, live_hash) = super::stored_token(db, org.id, source.id);
    let change = LogSourceChange {
        enabled: Some(false),
        source_type: Some(LogSourceType::Syslog),
        ..LogSourceChange::default()
    };
    db.inventory()
        .update_log_source(org.id, source.id, &change, at)
        .unwrap()
        .unwrap();
    let disabled = found(db, &live_hash);
    assert_eq!(disabled.token_id, live.id);
    assert!(!disabled.source_enabled, "the log source as it is now");
    assert_eq!(disabled.source_type, LogSourceType::Syslog);
    assert_eq!(disabled.revoked_at, None);
    assert!(!disabled.accepts_at(at));
}

fn an_unknown_hash_finds_nothing(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (_, h) = super::stored_token(db, org.id, source.id);
    let repo = db.ingest();
    assert_eq!(repo.find_ingest_token(&hash("unknown")).unwrap(), None);
    assert_eq!(repo.find_ingest_token("").unwrap(), None);
    assert_eq!(
        repo.find_ingest_token(&h.to_uppercase()).unwrap(),
        None,
        "the hash as stored, exactly"
    );
    assert_eq!(repo.find_ingest_token(&h[..h.len() - 1]).unwrap(), None);
}

/// A second token with a taken hash is an error, whatever its organization: the first is
/// neither overwritten nor joined by the second, and the refused one is not audited.
fn a_token_hash_is_unique(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let sibling = log_source(db, org.id, LogSourceType::Syslog);
    let theirs = log_source(db, other.id, LogSourceType::Cowrie);
    let (first, h) = super::stored_token(db, org.id, source.id);
    let repo = db.ingest();
    for (owner, source_id) in [
        (org.id, source.id),
        (org.id, sibling.id),
        (other.id, theirs.id),
    ] {
        let second = ingest_token(source_id, None, now());
        let again = repo.create_ingest_token(
            owner,
            &second,
            &h,
            audit(owner, AuditAction::IngestTokenCreated, &second),
        );
        assert!(again.is_err(), "a taken hash is refused: {again:?}");
    }
    assert_eq!(found(db, &h).token_id, first.id, "not overwritten");
    assert_eq!(found(db, &h).log_source_id, source.id);
    assert_eq!(
        repo.list_ingest_tokens(org.id, source.id).unwrap(),
        Some(vec![first])
    );
    assert_eq!(
        repo.list_ingest_tokens(org.id, sibling.id).unwrap(),
        Some(vec![])
    );
    assert_eq!(stored_rows(db, org.id), (1, 0));
    assert_eq!(stored_rows(db, other.id), (0, 0));
    assert_eq!(audited(db, org.id, AuditAction::IngestTokenCreated), 1);
    assert_eq!(audited(db, other.id, AuditAction::IngestTokenCreated), 0);
}
