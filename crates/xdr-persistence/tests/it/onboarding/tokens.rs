//! Enrollment tokens: created with their audit entry, listed newest first within their
//! organization, revoked once, and never readable by another organization.

use xdr_domain::EnrollmentTokenId;
use xdr_domain::audit::AuditAction;
use xdr_domain::onboarding::TokenStatus;
use xdr_domain::ports::{AgentRepository, OnboardingRepository};
use xdr_persistence::Database;

use super::{actions, audit, enrollment_token, page};
use crate::support::{now, tenant};

fn create_list_and_revoke(db: &Database) {
    let (org, _) = tenant(db);
    let repo = db.onboarding();
    let at = now();
    let first = enrollment_token(at, 5);
    let second = enrollment_token(at, 1);
    for (token, hash) in [(&first, "hash-first"), (&second, "hash-second")] {
        repo.create_enrollment_token(
            org.id,
            token,
            hash,
            audit(org.id, AuditAction::EnrollmentTokenCreated, token.id),
        )
        .unwrap();
    }
    let listed = repo
        .list_enrollment_tokens(org.id, &page(None, 10))
        .unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![second.id, first.id],
        "newest first"
    );
    assert_eq!(listed[1], first, "stored as given");
    assert_eq!(listed[1].status(at), TokenStatus::Active);
    let older = repo
        .list_enrollment_tokens(org.id, &page(Some(second.id.as_uuid()), 10))
        .unwrap();
    assert_eq!(
        older.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    assert_eq!(
        db.agents()
            .enrollment_token_organization("hash-first")
            .unwrap(),
        Some(org.id),
        "redemption finds the token by its hash"
    );

    let revoked = repo
        .revoke_enrollment_token(
            org.id,
            first.id,
            at,
            audit(org.id, AuditAction::EnrollmentTokenRevoked, first.id),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        revoked.revoked_at.map(|t| t.timestamp()),
        Some(at.timestamp())
    );
    assert_eq!(revoked.status(at), TokenStatus::Revoked);
    let again = repo
        .revoke_enrollment_token(
            org.id,
            first.id,
            at + chrono::Duration::minutes(5),
            audit(org.id, AuditAction::EnrollmentTokenRevoked, first.id),
        )
        .unwrap()
        .unwrap();
    assert_eq!(again.revoked_at, revoked.revoked_at, "revoked once");
    let revocations = actions(db, org.id)
        .into_iter()
        .filter(|a| *a == AuditAction::EnrollmentTokenRevoked)
        .count();
    assert_eq!(revocations, 1, "a second revocation writes no audit entry");
    assert_eq!(
        repo.revoke_enrollment_token(
            org.id,
            EnrollmentTokenId::generate(),
            at,
            audit(org.id, AuditAction::EnrollmentTokenRevoked, "none"),
        )
        .unwrap(),
        None
    );
}

fn tokens_stay_in_their_organization(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let token = enrollment_token(now(), 3);
    repo.create_enrollment_token(
        org.id,
        &token,
        "hash-tenant",
        audit(org.id, AuditAction::EnrollmentTokenCreated, token.id),
    )
    .unwrap();
    assert!(
        repo.list_enrollment_tokens(other.id, &page(None, 10))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        repo.revoke_enrollment_token(
            other.id,
            token.id,
            now(),
            audit(other.id, AuditAction::EnrollmentTokenRevoked, token.id),
        )
        .unwrap(),
        None,
        "another organization cannot revoke it"
    );
    assert_eq!(
        repo.list_enrollment_tokens(org.id, &page(None, 10))
            .unwrap()[0]
            .revoked_at,
        None
    );
    let foreign_audit = repo.create_enrollment_token(
        org.id,
        &enrollment_token(now(), 1),
        "hash-foreign",
        audit(other.id, AuditAction::EnrollmentTokenCreated, "x"),
    );
    assert!(
        foreign_audit.is_err(),
        "an entry of another organization is refused"
    );
    assert_eq!(
        repo.list_enrollment_tokens(org.id, &page(None, 10))
            .unwrap()
            .len(),
        1,
        "nothing was written"
    );
}

both_backends!(create_list_and_revoke, tokens_stay_in_their_organization);
