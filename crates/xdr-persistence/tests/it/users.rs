use chrono::Duration;
use xdr_domain::identity::{Email, FullName, PasswordHash};
use xdr_domain::ports::{SessionRepository, UserRepository};
use xdr_domain::{SessionId, UserId};
use xdr_persistence::Database;

use crate::support::{now, password_audit, session, tenant};

fn get_is_scoped_by_organization(db: &Database) {
    let (org_a, admin_a) = tenant(db);
    let (org_b, admin_b) = tenant(db);
    assert_eq!(
        db.users().get(org_a.id, admin_a.id).unwrap(),
        Some(admin_a.clone())
    );
    assert_eq!(db.users().get(org_b.id, admin_a.id).unwrap(), None);
    assert_eq!(db.users().get(org_a.id, admin_b.id).unwrap(), None);
    assert_eq!(db.users().get(org_a.id, UserId::generate()).unwrap(), None);
}

fn find_by_email(db: &Database) {
    let (_, admin) = tenant(db);
    let again = Email::parse(&admin.email.as_str().to_uppercase()).unwrap();
    assert_eq!(db.users().find_by_email(&again).unwrap(), Some(admin));
    let nobody = Email::parse("nobody@example.com").unwrap();
    assert_eq!(db.users().find_by_email(&nobody).unwrap(), None);
}

fn update_full_name_is_scoped(db: &Database) {
    let (org_a, admin_a) = tenant(db);
    let (org_b, _) = tenant(db);
    let later = now() + Duration::seconds(3);
    let name = FullName::parse("Grace Hopper").unwrap();

    assert_eq!(
        db.users()
            .update_full_name(org_b.id, admin_a.id, &name, later)
            .unwrap(),
        None
    );
    assert_eq!(
        db.users().get(org_a.id, admin_a.id).unwrap(),
        Some(admin_a.clone())
    );

    let updated = db
        .users()
        .update_full_name(org_a.id, admin_a.id, &name, later)
        .unwrap()
        .unwrap();
    assert_eq!(updated.full_name, name);
    assert_eq!(updated.updated_at, later);
    assert_eq!(updated.email, admin_a.email);
    assert_eq!(db.users().get(org_a.id, admin_a.id).unwrap(), Some(updated));
}

fn update_password_is_scoped(db: &Database) {
    let (org_a, admin_a) = tenant(db);
    let (org_b, _) = tenant(db);
    let hash = PasswordHash::new("$2b$04$anothernotrealhashanothernotrealhashanothernotr".into());

    assert!(
        !db.users()
            .update_password(
                org_b.id,
                admin_a.id,
                &hash,
                SessionId::generate(),
                now(),
                password_audit(&admin_a)
            )
            .unwrap()
    );
    let unchanged = db.users().get(org_a.id, admin_a.id).unwrap().unwrap();
    assert_eq!(unchanged.password_hash, admin_a.password_hash);

    assert!(
        db.users()
            .update_password(
                org_a.id,
                admin_a.id,
                &hash,
                SessionId::generate(),
                now(),
                password_audit(&admin_a)
            )
            .unwrap()
    );
    let changed = db.users().get(org_a.id, admin_a.id).unwrap().unwrap();
    assert_eq!(changed.password_hash, hash);
    assert!(
        !db.users()
            .update_password(
                org_a.id,
                UserId::generate(),
                &hash,
                SessionId::generate(),
                now(),
                password_audit(&admin_a)
            )
            .unwrap()
    );
}

fn record_login_is_scoped(db: &Database) {
    let (org_a, admin_a) = tenant(db);
    let (org_b, _) = tenant(db);
    let at = now();
    db.users().record_login(org_b.id, admin_a.id, at).unwrap();
    let user = db.users().get(org_a.id, admin_a.id).unwrap().unwrap();
    assert_eq!(user.last_login_at, None);

    db.users().record_login(org_a.id, admin_a.id, at).unwrap();
    let user = db.users().get(org_a.id, admin_a.id).unwrap().unwrap();
    assert_eq!(user.last_login_at, Some(at));
    assert_eq!(
        user.updated_at, admin_a.updated_at,
        "a sign-in is not a profile change"
    );
}

both_backends!(
    get_is_scoped_by_organization,
    find_by_email,
    update_full_name_is_scoped,
    update_password_is_scoped,
    a_password_change_ends_the_other_sessions_with_it,
    record_login_is_scoped,
);

/// The other sessions end in the password change's own transaction: no moment exists where the
/// new password is set and an old session still works, and a change that fails ends nothing.
fn a_password_change_ends_the_other_sessions_with_it(db: &Database) {
    let (org, admin) = tenant(db);
    let (current, _) = session(db, &admin);
    let (other, _) = session(db, &admin);
    let hash = PasswordHash::new("$2b$04$anothernotrealhashanothernotrealhashanothernotr".into());
    let orphan = xdr_domain::audit::NewAuditEntry::new(
        xdr_domain::OrganizationId::generate(),
        xdr_domain::audit::AuditAction::AuthPasswordChanged,
        "user",
    );
    assert!(
        db.users()
            .update_password(org.id, admin.id, &hash, current.id, now(), orphan)
            .is_err(),
        "an entry of another organization fails the change"
    );
    let active = |id| {
        db.sessions()
            .get(org.id, id)
            .unwrap()
            .unwrap()
            .is_active(now())
    };
    assert!(active(other.id), "a failed change ends nothing");
    assert!(
        db.users()
            .update_password(
                org.id,
                admin.id,
                &hash,
                current.id,
                now(),
                password_audit(&admin)
            )
            .unwrap()
    );
    assert!(active(current.id), "the caller's session stays");
    assert!(!active(other.id), "the other session ended with the change");
}
