use chrono::Duration;
use xdr_domain::RepoError;
use xdr_domain::identity::Email;
use xdr_domain::ports::{SessionRepository, UserRepository};
use xdr_domain::{SessionId, UserId};
use xdr_persistence::Database;

use crate::support::{new_session, now, tenant};

const IDENTITY: &str = "2026-11-23-000001_identity";

fn up_down_up(db: &Database) {
    // TestDatabase applied everything already.
    assert!(db.run_pending_migrations().unwrap().is_empty());
    tenant(db);

    // Every migration goes down (newest first) and comes back up (oldest first).
    let reverted = db.revert_all_migrations().unwrap();
    assert!(reverted.len() > 1, "{reverted:?}");
    let email = Email::parse("someone@example.com").unwrap();
    assert!(db.users().find_by_email(&email).is_err(), "tables are gone");

    let reapplied = db.run_pending_migrations().unwrap();
    assert_eq!(reapplied.first().map(String::as_str), Some(IDENTITY));
    assert_eq!(
        reapplied.len(),
        reverted.len(),
        "{reapplied:?} / {reverted:?}"
    );
    assert_eq!(
        db.users().find_by_email(&email).unwrap(),
        None,
        "fresh tables"
    );
    tenant(db);
}

/// Foreign keys are enforced (SQLite needs `foreign_keys=ON` on every connection), including the
/// composite key that keeps a session's user in the session's organization.
fn foreign_keys_are_enforced(db: &Database) {
    let (_, admin) = tenant(db);
    let mut stranger = admin.clone();
    stranger.id = UserId::generate();
    let err = db
        .sessions()
        .create(new_session(&stranger, now(), Duration::days(1)))
        .unwrap_err();
    assert!(matches!(err, RepoError::Internal(_)), "{err:?}");

    let (other_org, _) = tenant(db);
    let mut cross_tenant = new_session(&admin, now(), Duration::days(1));
    cross_tenant.organization_id = other_org.id;
    cross_tenant.id = SessionId::generate();
    assert!(db.sessions().create(cross_tenant).is_err());
}

both_backends!(up_down_up, foreign_keys_are_enforced);
