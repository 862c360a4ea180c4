//! Sealed secrets: stored per field with their key version, walked and swapped for re-sealing.

use std::collections::BTreeMap;

use chrono::Duration;
use xdr_domain::credentials::{CredentialChanges, CredentialName, SecretField};
use xdr_domain::ports::CredentialRepository;
use xdr_persistence::Database;

use crate::credentials::{create, new_credential, sealed, secrets};
use crate::support::{au, now, tenant};

fn delete_removes_the_secrets(db: &Database) {
    let (_, owner) = tenant(db);
    let keep = create(db, &owner, "keep", false);
    let gone = create(db, &owner, "gone", false);
    let repo = db.credentials();
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 4)])
    );
    assert!(
        repo.delete(
            owner.organization_id,
            owner.id,
            gone.id,
            now(),
            au(owner.organization_id)
        )
        .unwrap()
    );
    assert!(
        !repo
            .delete(
                owner.organization_id,
                owner.id,
                gone.id,
                now(),
                au(owner.organization_id)
            )
            .unwrap()
    );
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 2)])
    );
    let left = repo
        .list(owner.organization_id, owner.id, None, 10)
        .unwrap();
    assert_eq!(left, vec![keep]);
}

fn update_changes_only_what_is_given(db: &Database) {
    let (_, owner) = tenant(db);
    let credential = create(db, &owner, "prod", false);
    let later = now() + Duration::seconds(5);
    let new_secret = sealed(2, "rotated");
    let changes = CredentialChanges {
        name: Some(CredentialName::parse("production").unwrap()),
        region: Some(None),
        secret_access_key: Some(new_secret.clone()),
        ..CredentialChanges::default()
    };
    let repo = db.credentials();
    let updated = repo
        .update(
            owner.organization_id,
            owner.id,
            credential.id,
            &changes,
            later,
            au(owner.organization_id),
        )
        .unwrap()
        .unwrap();
    assert_eq!(updated.name.as_str(), "production");
    assert_eq!(updated.region, None);
    assert_eq!(updated.updated_at, later);
    assert_eq!(updated.created_at, credential.created_at);
    assert_eq!(
        updated.secrets.get(SecretField::SecretAccessKey),
        Some(&new_secret)
    );
    assert_eq!(
        updated.secrets.get(SecretField::AccessKeyId),
        credential.secrets.get(SecretField::AccessKeyId)
    );
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 1), (2, 1)])
    );

    assert!(
        repo.touch_last_used(
            owner.organization_id,
            owner.id,
            credential.id,
            later,
            au(owner.organization_id)
        )
        .unwrap()
    );
    let touched = repo
        .get(owner.organization_id, owner.id, credential.id)
        .unwrap()
        .unwrap();
    assert_eq!(touched.last_used_at, Some(later));
    assert_eq!(touched.updated_at, later);
}

fn stale_secrets_walk_and_compare_and_swap(db: &Database) {
    let (_, a) = tenant(db);
    let (_, b) = tenant(db);
    let mut old = new_credential(&a, "old", false);
    old.secrets = secrets(1, true);
    let old = db
        .credentials()
        .create(old.clone(), au(old.organization_id))
        .unwrap();
    let mut current = new_credential(&b, "current", false);
    current.secrets = secrets(2, false);
    db.credentials()
        .create(current.clone(), au(current.organization_id))
        .unwrap();
    let mut mixed = new_credential(&b, "mixed", false);
    mixed.secrets = secrets(1, false);
    mixed
        .secrets
        .insert(SecretField::AccessKeyId, sealed(2, "akid"));
    let mixed = db
        .credentials()
        .create(mixed.clone(), au(mixed.organization_id))
        .unwrap();
    let repo = db.credentials();
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 4), (2, 3)])
    );

    // Walk the stale ones two at a time, across organizations, in location order.
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let batch = repo.list_stale_sealed(2, after, 2).unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 2);
        after = batch.last().map(|r| r.location);
        walked.extend(batch);
    }
    assert_eq!(walked.len(), 4);
    assert!(walked.windows(2).all(|w| w[0].location < w[1].location));
    assert!(walked.iter().all(|r| r.sealed.key_version() == 1));
    let token = walked
        .iter()
        .find(|r| r.location.field == SecretField::SessionToken)
        .unwrap();
    assert_eq!(
        (token.organization_id, token.user_id),
        (a.organization_id, a.id)
    );
    assert_eq!(
        Some(&token.sealed),
        old.secrets.get(SecretField::SessionToken)
    );
    assert!(walked.iter().any(|r| r.location.credential_id == mixed.id));

    // Compare-and-swap: the first replacement wins, a stale expectation changes nothing.
    let replacement = sealed(2, "resealed");
    assert!(repo.replace_sealed(token, &replacement).unwrap());
    assert!(!repo.replace_sealed(token, &sealed(2, "late")).unwrap());
    let mut elsewhere = token.clone();
    elsewhere.organization_id = b.organization_id;
    assert!(!repo.replace_sealed(&elsewhere, &sealed(2, "x")).unwrap());
    let stored = repo.get(a.organization_id, a.id, old.id).unwrap().unwrap();
    assert_eq!(
        stored.secrets.get(SecretField::SessionToken),
        Some(&replacement)
    );
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 3), (2, 4)])
    );
    assert_eq!(repo.list_stale_sealed(2, None, 10).unwrap().len(), 3);
    assert!(repo.list_stale_sealed(9, None, 10).unwrap().len() == 7);
}

both_backends!(
    delete_removes_the_secrets,
    update_changes_only_what_is_given,
    stale_secrets_walk_and_compare_and_swap,
);
