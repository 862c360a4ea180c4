use std::sync::{Arc, Barrier};
use std::thread;

use xdr_domain::identity::{OnboardingStatus, OrganizationName, Role};
use xdr_domain::ports::{OrganizationRepository, UserRepository};
use xdr_domain::{Conflict, OrganizationId, RepoError};
use xdr_persistence::Database;

use crate::support::{now, register_audit, registration, tenant, try_register};

fn create_with_admin(db: &Database) {
    let (new_org, new_admin) = registration("Acme Security", "Founder@Acme.example");
    let (org, admin) = db
        .organizations()
        .create_with_admin(
            new_org.clone(),
            new_admin.clone(),
            register_audit(&new_org, &new_admin),
        )
        .unwrap();
    assert_eq!(org.id, new_org.id);
    assert_eq!(org.name.as_str(), "Acme Security");
    assert_eq!(org.slug.as_str(), "acme-security");
    assert_eq!(org.onboarding_status, OnboardingStatus::NotStarted);
    assert_eq!(org.created_at, new_org.created_at);
    assert_eq!(org.updated_at, new_org.created_at);
    assert_eq!(admin.id, new_admin.id);
    assert_eq!(admin.organization_id, org.id);
    assert_eq!(admin.email.as_str(), "founder@acme.example");
    assert_eq!(admin.role, Role::Admin);
    assert!(admin.is_active);
    assert_eq!(admin.last_login_at, None);
    assert_eq!(admin.password_hash, new_admin.password_hash);

    assert_eq!(db.organizations().get(org.id).unwrap(), Some(org.clone()));
    assert_eq!(
        db.organizations().get(OrganizationId::generate()).unwrap(),
        None
    );
    assert_eq!(
        db.users().find_by_email(&admin.email).unwrap(),
        Some(admin.clone())
    );
    assert_eq!(db.users().get(org.id, admin.id).unwrap(), Some(admin));
}

fn email_taken(db: &Database) {
    try_register(db, "First Org", "taken@example.com").unwrap();
    let err = try_register(db, "Second Org", " TAKEN@example.com ").unwrap_err();
    assert!(
        matches!(err, RepoError::Conflict(Conflict::EmailTaken)),
        "{err:?}"
    );
    // Nothing of the refused registration was kept.
    let (org, _) = try_register(db, "Second Org", "other@example.com").unwrap();
    assert_eq!(org.slug.as_str(), "second-org");
}

fn name_taken_ignoring_case(db: &Database) {
    try_register(db, "Acme Corp", "a@acme.example").unwrap();
    let err = try_register(db, "ACME   corp", "b@acme.example").unwrap_err();
    assert!(
        matches!(err, RepoError::Conflict(Conflict::OrganizationExists)),
        "{err:?}"
    );
}

fn slug_collision_gets_a_suffix(db: &Database) {
    let (first, _) = try_register(db, "Acme, Inc.", "a@acme.example").unwrap();
    let (second, _) = try_register(db, "Acme Inc", "b@acme.example").unwrap();
    let (third, _) = try_register(db, "ACME inc!", "c@acme.example").unwrap();
    assert_eq!(first.slug.as_str(), "acme-inc");
    for org in [&second, &third] {
        let suffix = org.slug.as_str().strip_prefix("acme-inc-").unwrap();
        assert_eq!(suffix.len(), 6, "{:?}", org.slug);
        assert!(
            suffix.chars().all(|c| c.is_ascii_hexdigit()),
            "{:?}",
            org.slug
        );
    }
    assert_ne!(second.slug, third.slug);
}

fn concurrent_duplicate_registrations(db: &Database) {
    const THREADS: usize = 8;
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (db, barrier) = (db.clone(), barrier.clone());
            thread::spawn(move || {
                let (org, admin) = registration("Race Condition Ltd", "race@example.com");
                barrier.wait();
                let audit = register_audit(&org, &admin);
                db.organizations().create_with_admin(org, admin, audit)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let created = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(created, 1, "{results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(
                r,
                Err(RepoError::Conflict(
                    Conflict::EmailTaken | Conflict::OrganizationExists
                ))
            ),
            "{r:?}"
        );
    }
}

/// Different names with one slug, registered at once: all succeed with distinct slugs (on
/// PostgreSQL the losers of the slug race start over with a suffix).
fn concurrent_slug_collisions(db: &Database) {
    const THREADS: usize = 6;
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (db, barrier) = (db.clone(), barrier.clone());
            thread::spawn(move || {
                let name = format!("Slug Race{}", ".".repeat(i + 1));
                let (org, admin) = registration(&name, &format!("slug{i}@example.com"));
                barrier.wait();
                let audit = register_audit(&org, &admin);
                db.organizations().create_with_admin(org, admin, audit)
            })
        })
        .collect();
    let mut slugs: Vec<String> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap().0.slug.as_str().to_owned())
        .collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), THREADS, "{slugs:?}");
    assert!(
        slugs.iter().all(|s| s.starts_with("slug-race")),
        "{slugs:?}"
    );
}

fn rename(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let later = now() + chrono::Duration::seconds(5);

    let name = OrganizationName::parse("Renamed Org").unwrap();
    let renamed = db
        .organizations()
        .rename(org.id, &name, later)
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name, name);
    assert_eq!(renamed.slug, org.slug, "the slug stays");
    assert_eq!(renamed.updated_at, later);
    assert_eq!(db.organizations().get(org.id).unwrap(), Some(renamed));

    let taken = OrganizationName::parse(&other.name.as_str().to_uppercase()).unwrap();
    let err = db
        .organizations()
        .rename(org.id, &taken, later)
        .unwrap_err();
    assert!(
        matches!(err, RepoError::Conflict(Conflict::OrganizationExists)),
        "{err:?}"
    );

    let missing = db
        .organizations()
        .rename(OrganizationId::generate(), &name, later);
    assert_eq!(missing.unwrap(), None);
}

both_backends!(
    create_with_admin,
    email_taken,
    name_taken_ignoring_case,
    slug_collision_gets_a_suffix,
    concurrent_duplicate_registrations,
    concurrent_slug_collisions,
    rename,
);
