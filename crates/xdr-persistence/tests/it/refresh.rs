use std::sync::{Arc, Barrier};
use std::thread;

use chrono::Duration;
use xdr_domain::identity::{RefreshOutcome, RevocationReason};
use xdr_domain::ports::SessionRepository;
use xdr_persistence::Database;

use crate::support::{logout_audit, new_session, now, on_reuse, session, tenant, token};

fn rotation_sequence(db: &Database) {
    let (org, admin) = tenant(db);
    let (s, h0) = session(db, &admin);
    let (h1, h2, h3) = (token("h1"), token("h2"), token("h3"));
    let t1 = now() + Duration::seconds(1);

    let RefreshOutcome::Rotated(r1) = db
        .sessions()
        .rotate_refresh(&h0, &h1, t1, &on_reuse)
        .unwrap()
    else {
        panic!("the current token rotates");
    };
    assert_eq!((r1.id, r1.generation, r1.last_used_at), (s.id, 1, t1));
    assert_eq!(r1.created_at, s.created_at);

    let t2 = t1 + Duration::seconds(1);
    let RefreshOutcome::Rotated(r2) = db
        .sessions()
        .rotate_refresh(&h1, &h2, t2, &on_reuse)
        .unwrap()
    else {
        panic!("the new token rotates");
    };
    assert_eq!((r2.generation, r2.last_used_at), (2, t2));

    // The first token again: someone kept a copy. The whole session ends.
    let t3 = t2 + Duration::seconds(1);
    let RefreshOutcome::ReuseDetected(reused) = db
        .sessions()
        .rotate_refresh(&h0, &h3, t3, &on_reuse)
        .unwrap()
    else {
        panic!("a rotated token is reuse");
    };
    assert_eq!(reused.id, s.id);
    assert_eq!(reused.revoked_at, Some(t3));
    assert_eq!(
        db.sessions().get(org.id, s.id).unwrap().unwrap().revoked_at,
        Some(t3)
    );

    // The current token of the now revoked session no longer works; reuse stays reuse.
    let t4 = t3 + Duration::seconds(1);
    assert_eq!(
        db.sessions()
            .rotate_refresh(&h2, &h3, t4, &on_reuse)
            .unwrap(),
        RefreshOutcome::Inactive
    );
    let again = db
        .sessions()
        .rotate_refresh(&h1, &h3, t4, &on_reuse)
        .unwrap();
    assert!(matches!(again, RefreshOutcome::ReuseDetected(ref s) if s.revoked_at == Some(t3)));
    assert_eq!(
        db.sessions()
            .rotate_refresh(&token("never-issued"), &h3, t4, &on_reuse)
            .unwrap(),
        RefreshOutcome::Unknown
    );
}

fn expired_or_revoked_is_inactive(db: &Database) {
    let (org, admin) = tenant(db);
    let expired = new_session(&admin, now() - Duration::days(31), Duration::days(30));
    let h = expired.refresh_token_hash.clone();
    db.sessions().create(expired, None).unwrap();
    assert_eq!(
        db.sessions()
            .rotate_refresh(&h, &token("n"), now(), &on_reuse)
            .unwrap(),
        RefreshOutcome::Inactive
    );

    let (s, h) = session(db, &admin);
    let reason = RevocationReason::Logout;
    assert!(
        db.sessions()
            .revoke(org.id, admin.id, s.id, reason, now(), logout_audit(&admin))
            .unwrap()
    );
    assert_eq!(
        db.sessions()
            .rotate_refresh(&h, &token("n"), now(), &on_reuse)
            .unwrap(),
        RefreshOutcome::Inactive
    );
}

/// Two clients present the same token at once: exactly one rotates, the other is reuse, and the
/// session ends.
fn concurrent_rotation_race(db: &Database) {
    let (org, admin) = tenant(db);
    for _ in 0..10 {
        let (s, presented) = session(db, &admin);
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (db, barrier, presented) = (db.clone(), barrier.clone(), presented.clone());
                thread::spawn(move || {
                    barrier.wait();
                    db.sessions().rotate_refresh(
                        &presented,
                        &token(&format!("r{i}")),
                        now(),
                        &on_reuse,
                    )
                })
            })
            .collect();
        let outcomes: Vec<_> = handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect();
        let rotated = outcomes
            .iter()
            .filter(|o| matches!(o, RefreshOutcome::Rotated(_)))
            .count();
        let reused = outcomes
            .iter()
            .filter(|o| matches!(o, RefreshOutcome::ReuseDetected(_)))
            .count();
        assert_eq!((rotated, reused), (1, 1), "{outcomes:?}");
        let after = db.sessions().get(org.id, s.id).unwrap().unwrap();
        assert!(after.revoked_at.is_some());
        assert_eq!(after.generation, 1);
    }
}

both_backends!(
    rotation_sequence,
    expired_or_revoked_is_inactive,
    concurrent_rotation_race
);
