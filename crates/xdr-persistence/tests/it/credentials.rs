//! Credentials: round trips, owner and organization scoping, one default per owner, pages.

use xdr_domain::credentials::{
    AwsRegion, Credential, CredentialChanges, CredentialName, NewCredential, Provider,
    SealedSecrets, SecretField,
};
use xdr_domain::identity::{Email, FullName, NewUser, PasswordHash, Role, User};
use xdr_domain::ports::{CredentialRepository, UserRepository};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{Conflict, CredentialId, RepoError, UserId};
use xdr_persistence::Database;

use crate::support::{au, now, tenant};

/// A stand-in for a sealed value: storage never looks inside.
pub fn sealed(version: u32, tag: &str) -> SealedSecret {
    SealedSecret::new(
        version,
        format!("v1:{version}:{tag}-{}", uuid::Uuid::new_v4().simple()),
    )
}

pub fn secrets(version: u32, with_token: bool) -> SealedSecrets {
    let mut secrets = SealedSecrets::new();
    secrets.insert(SecretField::AccessKeyId, sealed(version, "akid"));
    secrets.insert(SecretField::SecretAccessKey, sealed(version, "secret"));
    if with_token {
        secrets.insert(SecretField::SessionToken, sealed(version, "token"));
    }
    secrets
}

pub fn new_credential(owner: &User, name: &str, is_default: bool) -> NewCredential {
    NewCredential {
        id: CredentialId::generate(),
        organization_id: owner.organization_id,
        user_id: owner.id,
        name: CredentialName::parse(name).unwrap(),
        provider: Provider::Aws,
        access_key_preview: "AKIA…WXYZ".into(),
        region: Some(AwsRegion::parse("eu-west-1").unwrap()),
        account_id: None,
        is_default,
        secrets: secrets(1, false),
        created_at: now(),
    }
}

pub fn create(db: &Database, owner: &User, name: &str, is_default: bool) -> Credential {
    db.credentials()
        .create(
            new_credential(owner, name, is_default),
            au(owner.organization_id),
        )
        .unwrap()
}

/// Another user in `admin`'s organization.
pub fn colleague(db: &Database, admin: &User) -> User {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    db.users()
        .create(NewUser {
            id: UserId::generate(),
            organization_id: admin.organization_id,
            email: Email::parse(&format!("colleague-{tag}@example.com")).unwrap(),
            full_name: FullName::parse("Cole League").unwrap(),
            role: Role::Analyst,
            password_hash: PasswordHash::new("$2b$04$notarealhash".into()),
            created_at: now(),
        })
        .unwrap()
}

pub fn defaults(db: &Database, owner: &User) -> Vec<CredentialId> {
    db.credentials()
        .list(owner.organization_id, owner.id, None, 100)
        .unwrap()
        .into_iter()
        .filter(|c| c.is_default)
        .map(|c| c.id)
        .collect()
}

fn round_trip(db: &Database) {
    let (_, admin) = tenant(db);
    let mut new = new_credential(&admin, "prod", true);
    new.secrets = secrets(7, true);
    let created = db
        .credentials()
        .create(new.clone(), au(new.organization_id))
        .unwrap();
    assert_eq!(created.id, new.id);
    assert_eq!(created.secrets, new.secrets);
    assert_eq!(
        (created.created_at, created.updated_at),
        (new.created_at, new.created_at)
    );
    assert_eq!(created.last_used_at, None);
    let got = db
        .credentials()
        .get(admin.organization_id, admin.id, new.id)
        .unwrap()
        .unwrap();
    assert_eq!(got, created);
    let listed = db
        .credentials()
        .list(admin.organization_id, admin.id, None, 10)
        .unwrap();
    assert_eq!(listed, vec![created]);
}

fn users_create_refuses_a_taken_email(db: &Database) {
    let (_, admin) = tenant(db);
    let user = colleague(db, &admin);
    assert_eq!(
        db.users().get(admin.organization_id, user.id).unwrap(),
        Some(user.clone())
    );
    let again = NewUser {
        id: UserId::generate(),
        organization_id: admin.organization_id,
        email: user.email.clone(),
        full_name: user.full_name.clone(),
        role: Role::Viewer,
        password_hash: user.password_hash.clone(),
        created_at: now(),
    };
    let err = db.users().create(again).unwrap_err();
    assert!(
        matches!(err, RepoError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
}

fn scoped_by_organization_and_owner(db: &Database) {
    let (_, owner) = tenant(db);
    let same_org = colleague(db, &owner);
    let (_, other_org) = tenant(db);
    let credential = create(db, &owner, "prod", true);
    let repo = db.credentials();
    let make_default = CredentialChanges {
        is_default: Some(true),
        name: Some(CredentialName::parse("stolen").unwrap()),
        ..CredentialChanges::default()
    };
    for (org, user) in [
        (same_org.organization_id, same_org.id),
        (other_org.organization_id, other_org.id),
        // The owner's id under another organization, and another owner in the right one.
        (other_org.organization_id, owner.id),
        (owner.organization_id, other_org.id),
    ] {
        assert_eq!(repo.get(org, user, credential.id).unwrap(), None);
        assert!(repo.list(org, user, None, 10).unwrap().is_empty());
        assert_eq!(
            repo.update(org, user, credential.id, &make_default, now(), au(org))
                .unwrap(),
            None
        );
        assert!(
            !repo
                .touch_last_used(org, user, credential.id, now(), au(org))
                .unwrap()
        );
        assert!(
            !repo
                .delete(org, user, credential.id, now(), au(org))
                .unwrap()
        );
    }
    let unchanged = repo
        .get(owner.organization_id, owner.id, credential.id)
        .unwrap();
    assert_eq!(unchanged, Some(credential));
}

fn one_default_per_owner(db: &Database) {
    let (_, owner) = tenant(db);
    let colleague = colleague(db, &owner);
    let theirs = create(db, &colleague, "theirs", true);
    let a = create(db, &owner, "a", true);
    let b = create(db, &owner, "b", true);
    assert_eq!(defaults(db, &owner), vec![b.id]);
    let c = create(db, &owner, "c", false);
    assert_eq!(defaults(db, &owner), vec![b.id]);

    let make_default = CredentialChanges {
        is_default: Some(true),
        ..CredentialChanges::default()
    };
    let repo = db.credentials();
    let updated = repo
        .update(
            owner.organization_id,
            owner.id,
            a.id,
            &make_default,
            now(),
            au(owner.organization_id),
        )
        .unwrap()
        .unwrap();
    assert!(updated.is_default);
    assert_eq!(defaults(db, &owner), vec![a.id]);
    let unset = CredentialChanges {
        is_default: Some(false),
        ..CredentialChanges::default()
    };
    repo.update(
        owner.organization_id,
        owner.id,
        a.id,
        &unset,
        now(),
        au(owner.organization_id),
    )
    .unwrap();
    assert!(defaults(db, &owner).is_empty());
    assert_eq!(
        defaults(db, &colleague),
        vec![theirs.id],
        "another user's default stays"
    );
    assert!(
        repo.delete(
            owner.organization_id,
            owner.id,
            c.id,
            now(),
            au(owner.organization_id)
        )
        .unwrap()
    );
}

fn concurrent_defaults_leave_exactly_one(db: &Database) {
    let (_, owner) = tenant(db);
    let ids: Vec<CredentialId> = (0..6)
        .map(|i| create(db, &owner, &format!("c{i}"), i == 0).id)
        .collect();
    let threads: Vec<_> = ids
        .iter()
        .map(|&id| {
            let (repo, owner) = (db.credentials(), owner.clone());
            std::thread::spawn(move || {
                let changes = CredentialChanges {
                    is_default: Some(true),
                    ..CredentialChanges::default()
                };
                repo.update(
                    owner.organization_id,
                    owner.id,
                    id,
                    &changes,
                    now(),
                    au(owner.organization_id),
                )
            })
        })
        .collect();
    for thread in threads {
        assert!(thread.join().unwrap().unwrap().is_some());
    }
    assert_eq!(defaults(db, &owner).len(), 1);
}

fn list_pages_newest_first(db: &Database) {
    let (_, owner) = tenant(db);
    let created: Vec<CredentialId> = (0..5)
        .map(|i| create(db, &owner, &format!("c{i}"), false).id)
        .collect();
    let repo = db.credentials();
    let (org, user) = (owner.organization_id, owner.id);
    let first: Vec<_> = repo
        .list(org, user, None, 2)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(first, [created[4], created[3]]);
    let second: Vec<_> = repo
        .list(org, user, Some(first[1]), 2)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(second, [created[2], created[1]]);
    let last: Vec<_> = repo
        .list(org, user, Some(second[1]), 2)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(last, [created[0]]);
}

both_backends!(
    round_trip,
    users_create_refuses_a_taken_email,
    scoped_by_organization_and_owner,
    one_default_per_owner,
    concurrent_defaults_leave_exactly_one,
    list_pages_newest_first,
);
