//! The audit chain: links, concurrent appends, tamper detection, same-transaction writes.

use std::sync::{Arc, Barrier};
use std::thread;

use chrono::Duration;
use serde_json::json;
use xdr_domain::audit::{AuditAction, AuditFilter, NewAuditEntry};
use xdr_domain::identity::PasswordHash;
use xdr_domain::ports::{AuditLogRepository, SessionRepository, UserRepository};
use xdr_domain::{Conflict, OrganizationId, RepoError, UserId};
use xdr_persistence::Database;
use xdr_persistence::test_support::execute_sql;

use crate::support::{audit_entries, audit_entry, new_session, now, tenant, try_register};

fn registration_starts_a_valid_chain(db: &Database) {
    let (org, admin) = tenant(db);
    let entries = audit_entries(db, org.id);
    assert_eq!(entries.len(), 1);
    let first = &entries[0];
    assert_eq!(first.entry.action, AuditAction::AuthRegister);
    assert_eq!(first.entry.actor_id, Some(admin.id));
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, xdr_domain::audit::GENESIS_HASH);
    let appended = db
        .audit()
        .append(
            audit_entry(&org, AuditAction::AuthLoginFailed).failed("x"),
            now(),
        )
        .unwrap();
    assert_eq!(
        (appended.seq, appended.prev_hash.as_str()),
        (2, first.hash.as_str())
    );
    let report = db.audit().verify(org.id).unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!((report.entries_checked, report.first_bad_id), (2, None));
    // Stored and read back, an entry is exactly what was hashed.
    assert_eq!(audit_entries(db, org.id)[0], appended);
}

fn concurrent_appends_form_one_chain(db: &Database) {
    const THREADS: usize = 10;
    const PER_THREAD: usize = 100;
    let (org, _) = tenant(db);
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (db, barrier, org) = (db.clone(), barrier.clone(), org.clone());
            thread::spawn(move || {
                barrier.wait();
                for i in 0..PER_THREAD {
                    let e = audit_entry(&org, AuditAction::CredentialUsed)
                        .details(json!({"thread": t, "i": i}));
                    db.audit().append(e, now()).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let report = db.audit().verify(org.id).unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!(report.entries_checked, 1 + (THREADS * PER_THREAD) as u64);
    let used = AuditFilter {
        action: Some(AuditAction::CredentialUsed),
        ..AuditFilter::default()
    };
    let page = db.audit().list(org.id, &used, None, 5000).unwrap();
    assert_eq!(page.items.len(), THREADS * PER_THREAD);
}

fn a_direct_update_breaks_the_chain_at_that_entry(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    for _ in 0..4 {
        db.audit()
            .append(audit_entry(&org, AuditAction::AuthLogin), now())
            .unwrap();
    }
    let victim = audit_entries(db, org.id)[2].id; // third newest
    execute_sql(
        db,
        &format!("UPDATE audit_logs SET success = false WHERE id = '{victim}'"),
    );
    let report = db.audit().verify(org.id).unwrap();
    assert!(!report.valid);
    assert_eq!(report.first_bad_id, Some(victim));
    assert!(
        db.audit().verify(other.id).unwrap().valid,
        "other chains unaffected"
    );
}

fn a_direct_delete_breaks_the_chain(db: &Database) {
    let (org, _) = tenant(db);
    for _ in 0..4 {
        db.audit()
            .append(audit_entry(&org, AuditAction::AuthLogin), now())
            .unwrap();
    }
    let entries = audit_entries(db, org.id); // newest first: seq 5, 4, 3, 2, 1
    execute_sql(
        db,
        &format!("DELETE FROM audit_logs WHERE id = '{}'", entries[2].id),
    );
    let report = db.audit().verify(org.id).unwrap();
    assert!(!report.valid);
    assert_eq!(
        report.first_bad_id,
        Some(entries[1].id),
        "the entry after the gap"
    );

    // Deleting the newest entries leaves every link intact but the head unreached.
    let (org, _) = tenant(db);
    db.audit()
        .append(audit_entry(&org, AuditAction::AuthLogin), now())
        .unwrap();
    let newest = audit_entries(db, org.id)[0].id;
    execute_sql(db, &format!("DELETE FROM audit_logs WHERE id = '{newest}'"));
    let report = db.audit().verify(org.id).unwrap();
    assert!(!report.valid);
    assert_eq!((report.entries_checked, report.first_bad_id), (1, None));
}

fn failed_changes_leave_no_entry(db: &Database) {
    let (org, admin) = tenant(db);
    // A duplicate registration rolls back: no organization, no auth.register anywhere new.
    let dup = try_register(db, "Another Org", admin.email.as_str()).unwrap_err();
    assert!(matches!(dup, RepoError::Conflict(Conflict::EmailTaken)));
    assert_eq!(audit_entries(db, org.id).len(), 1);

    // An entry that cannot be written rolls back the change it records.
    let hash = PasswordHash::new("$2b$04$rolledbackrolledbackrolledbackrolledbackrolledba".into());
    let orphan = NewAuditEntry::new(
        OrganizationId::generate(),
        AuditAction::AuthPasswordChanged,
        "user",
    );
    assert!(
        db.users()
            .update_password(
                org.id,
                admin.id,
                &hash,
                xdr_domain::SessionId::generate(),
                now(),
                orphan
            )
            .is_err()
    );
    let unchanged = db.users().get(org.id, admin.id).unwrap().unwrap();
    assert_eq!(unchanged.password_hash, admin.password_hash);

    // A session that cannot be created leaves no auth.login entry.
    let mut stranger = admin.clone();
    stranger.id = UserId::generate();
    let login = audit_entry(&org, AuditAction::AuthLogin);
    let new = new_session(&stranger, now(), Duration::days(1));
    assert!(db.sessions().create(new, Some(login)).is_err());
    // Revoking nothing records nothing.
    let logout = audit_entry(&org, AuditAction::AuthLogout);
    let none = xdr_domain::SessionId::generate();
    let reason = xdr_domain::identity::RevocationReason::Logout;
    assert!(
        !db.sessions()
            .revoke(org.id, admin.id, none, reason, now(), logout)
            .unwrap()
    );
    let entries = audit_entries(db, org.id);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(db.audit().verify(org.id).unwrap().valid);
}

both_backends!(
    registration_starts_a_valid_chain,
    concurrent_appends_form_one_chain,
    a_direct_update_breaks_the_chain_at_that_entry,
    a_direct_delete_breaks_the_chain,
    failed_changes_leave_no_entry,
);
