use chrono::Duration;
use xdr_domain::SessionId;
use xdr_domain::identity::RevocationReason;
use xdr_domain::ports::SessionRepository;
use xdr_persistence::Database;

use crate::support::{logout_audit, new_session, now, session, tenant};

fn create_and_get_are_scoped(db: &Database) {
    let (org, admin) = tenant(db);
    let (other_org, _) = tenant(db);
    let new = new_session(&admin, now(), Duration::days(30));
    let created = db.sessions().create(new.clone(), None).unwrap();
    assert_eq!(created.id, new.id);
    assert_eq!(created.organization_id, org.id);
    assert_eq!(created.user_id, admin.id);
    assert_eq!(created.generation, 0);
    assert_eq!(created.user_agent.as_deref(), Some("tests/1.0"));
    assert_eq!(created.ip.as_deref(), Some("192.0.2.7"));
    assert_eq!(created.created_at, new.created_at);
    assert_eq!(created.last_used_at, new.created_at);
    assert_eq!(created.expires_at, new.expires_at);
    assert_eq!(created.revoked_at, None);

    assert_eq!(
        db.sessions().get(org.id, created.id).unwrap(),
        Some(created.clone())
    );
    assert_eq!(db.sessions().get(other_org.id, created.id).unwrap(), None);
    assert_eq!(
        db.sessions().get(org.id, SessionId::generate()).unwrap(),
        None
    );
}

fn list_active_newest_first(db: &Database) {
    let (org, admin) = tenant(db);
    let (other_org, other_admin) = tenant(db);
    let t = now();
    let mut ids = Vec::new();
    for minutes in [30, 10, 20] {
        let new = new_session(&admin, t - Duration::minutes(minutes), Duration::days(1));
        ids.push(db.sessions().create(new, None).unwrap().id);
    }
    let expired = new_session(&admin, t - Duration::days(2), Duration::days(1));
    db.sessions().create(expired, None).unwrap();
    let (revoked, _) = session(db, &admin);
    assert!(
        db.sessions()
            .revoke(
                org.id,
                admin.id,
                revoked.id,
                RevocationReason::Logout,
                t,
                logout_audit(&admin)
            )
            .unwrap()
    );
    session(db, &other_admin);

    let listed: Vec<_> = db
        .sessions()
        .list_active_for_user(org.id, admin.id, t)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(listed, vec![ids[1], ids[2], ids[0]]);
    let foreign = db
        .sessions()
        .list_active_for_user(other_org.id, admin.id, t)
        .unwrap();
    assert!(foreign.is_empty());
}

fn revoke_is_scoped(db: &Database) {
    let (org, admin) = tenant(db);
    let (other_org, other_admin) = tenant(db);
    let (s, _) = session(db, &admin);
    let t = now();
    let reason = RevocationReason::Logout;
    assert!(
        !db.sessions()
            .revoke(
                other_org.id,
                admin.id,
                s.id,
                reason,
                t,
                logout_audit(&admin)
            )
            .unwrap()
    );
    assert!(
        !db.sessions()
            .revoke(
                org.id,
                other_admin.id,
                s.id,
                reason,
                t,
                logout_audit(&admin)
            )
            .unwrap()
    );
    assert_eq!(
        db.sessions().get(org.id, s.id).unwrap().unwrap().revoked_at,
        None
    );

    assert!(
        db.sessions()
            .revoke(org.id, admin.id, s.id, reason, t, logout_audit(&admin))
            .unwrap()
    );
    let revoked = db.sessions().get(org.id, s.id).unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(t));
    assert!(!revoked.is_active(t));
    // Already ended: nothing to revoke, and the first revocation time stays.
    let later = t + Duration::seconds(1);
    assert!(
        !db.sessions()
            .revoke(org.id, admin.id, s.id, reason, later, logout_audit(&admin))
            .unwrap()
    );
    assert_eq!(
        db.sessions().get(org.id, s.id).unwrap().unwrap().revoked_at,
        Some(t)
    );
}

fn revoke_all_keeps_one(db: &Database) {
    let (org, admin) = tenant(db);
    let (other_org, other_admin) = tenant(db);
    let (a, _) = session(db, &admin);
    let (keep, _) = session(db, &admin);
    let (c, _) = session(db, &admin);
    let (bystander, _) = session(db, &other_admin);
    let t = now();
    let reason = RevocationReason::PasswordChanged;

    assert_eq!(
        db.sessions()
            .revoke_all_for_user(other_org.id, admin.id, None, reason, t, None)
            .unwrap(),
        0
    );
    let ended = db
        .sessions()
        .revoke_all_for_user(org.id, admin.id, Some(keep.id), reason, t, None)
        .unwrap();
    assert_eq!(ended, 2);
    let active: Vec<_> = db
        .sessions()
        .list_active_for_user(org.id, admin.id, t)
        .unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, keep.id);
    for id in [a.id, c.id] {
        assert_eq!(
            db.sessions().get(org.id, id).unwrap().unwrap().revoked_at,
            Some(t)
        );
    }
    let untouched = db
        .sessions()
        .get(other_org.id, bystander.id)
        .unwrap()
        .unwrap();
    assert_eq!(untouched.revoked_at, None);

    assert_eq!(
        db.sessions()
            .revoke_all_for_user(org.id, admin.id, None, reason, t, None)
            .unwrap(),
        1
    );
    assert!(
        db.sessions()
            .list_active_for_user(org.id, admin.id, t)
            .unwrap()
            .is_empty()
    );
}

both_backends!(
    create_and_get_are_scoped,
    list_active_newest_first,
    revoke_is_scoped,
    revoke_all_keeps_one,
);
