//! Reading the audit log: filters, cursor pages, batched export, and retention.

use chrono::{DateTime, Duration, Utc};
use xdr_domain::UserId;
use xdr_domain::audit::{AuditAction, AuditCursor, AuditFilter};
use xdr_domain::identity::{Organization, User};
use xdr_domain::ports::{AuditLogRepository, OrganizationRepository};
use xdr_persistence::Database;

use crate::support::{audit_entries, audit_entry, now, register_audit, registration, tenant};

/// A tenant registered at `at` (so that its `auth.register` entry is that old).
fn tenant_at(db: &Database, at: DateTime<Utc>) -> (Organization, User) {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let (mut org, mut admin) =
        registration(&format!("Old {tag}"), &format!("old-{tag}@example.com"));
    org.created_at = at;
    admin.created_at = at;
    let audit = register_audit(&org, &admin);
    db.organizations()
        .create_with_admin(org, admin, audit)
        .unwrap()
}

fn pruning_keeps_the_chain_verifiable(db: &Database) {
    let old = now() - Duration::days(40);
    let (org, _) = tenant_at(db, old);
    let (recent_org, _) = tenant(db);
    for days in [30, 20, 10] {
        let at = now() - Duration::days(days);
        db.audit()
            .append(audit_entry(&org, AuditAction::AuthLogin), at)
            .unwrap();
    }
    db.audit()
        .append(audit_entry(&org, AuditAction::AuthLogout), now())
        .unwrap();
    let before = now() - Duration::days(15);
    let reports = db.audit().prune(before, now()).unwrap();
    assert_eq!(reports.len(), 1, "only the organization with old entries");
    let r = &reports[0];
    assert_eq!((r.organization_id, r.pruned, r.anchor_seq), (org.id, 3, 3));
    let left = audit_entries(db, org.id);
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|e| e.created_at >= before));
    assert_eq!(left[1].prev_hash, r.anchor_hash);
    let report = db.audit().verify(org.id).unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!(report.entries_checked, 2);
    assert_eq!(audit_entries(db, recent_org.id).len(), 1);

    // Appending and pruning again extend the anchor.
    db.audit()
        .append(audit_entry(&org, AuditAction::AuthLogin), now())
        .unwrap();
    assert!(db.audit().prune(before, now()).unwrap().is_empty());
    let reports = db.audit().prune(now() + Duration::days(1), now()).unwrap();
    let mine: Vec<_> = reports
        .iter()
        .filter(|r| r.organization_id == org.id)
        .collect();
    assert_eq!((mine[0].pruned, mine[0].anchor_seq), (3, 6));
    let report = db.audit().verify(org.id).unwrap();
    assert!(report.valid && report.entries_checked == 0, "{report:?}");
    db.audit()
        .append(audit_entry(&org, AuditAction::AuthLogin), now())
        .unwrap();
    assert!(db.audit().verify(org.id).unwrap().valid);
    assert_eq!(audit_entries(db, org.id)[0].seq, 7);
}

fn filters_and_cursor_pages(db: &Database) {
    let (org, admin) = tenant(db);
    let (other, _) = tenant(db);
    let someone = UserId::generate();
    let t0 = now();
    for i in 0..5 {
        let e = audit_entry(&org, AuditAction::AuthLogin).actor(someone, None);
        db.audit().append(e, t0 + Duration::seconds(i)).unwrap();
    }
    let mut failed = audit_entry(&org, AuditAction::AuthLoginFailed).failed("x");
    failed.resource_type = "user".into();
    db.audit()
        .append(failed, t0 + Duration::seconds(10))
        .unwrap();

    let by_action = |action| AuditFilter {
        action: Some(action),
        ..AuditFilter::default()
    };
    let list = |f: &AuditFilter| db.audit().list(org.id, f, None, 100).unwrap().items;
    assert_eq!(list(&by_action(AuditAction::AuthLogin)).len(), 5);
    assert_eq!(
        list(&by_action(AuditAction::AuthRegister))[0]
            .entry
            .actor_id,
        Some(admin.id)
    );
    let by_actor = AuditFilter {
        actor_id: Some(someone),
        ..AuditFilter::default()
    };
    assert_eq!(list(&by_actor).len(), 5);
    let by_type = AuditFilter {
        resource_type: Some("user".into()),
        ..AuditFilter::default()
    };
    assert_eq!(list(&by_type).len(), 1);
    let window = AuditFilter {
        since: Some(t0 + Duration::seconds(1)),
        until: Some(t0 + Duration::seconds(3)),
        ..AuditFilter::default()
    };
    assert_eq!(list(&window).len(), 2, "since inclusive, until exclusive");

    // Pages of 2, newest first, cover everything once.
    let mut seen = Vec::new();
    let mut cursor: Option<AuditCursor> = None;
    loop {
        let page = db
            .audit()
            .list(org.id, &AuditFilter::default(), cursor, 2)
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|e| e.seq));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, vec![7, 6, 5, 4, 3, 2, 1]);

    // Another organization's view holds none of these.
    let theirs = audit_entries(db, other.id);
    assert_eq!(theirs.len(), 1);
    assert!(theirs.iter().all(|e| e.entry.organization_id == other.id));
    assert!(
        db.audit()
            .list(other.id, &by_actor, None, 100)
            .unwrap()
            .items
            .is_empty()
    );
}

fn export_streams_batches_newest_first(db: &Database) {
    let (org, _) = tenant(db);
    for _ in 0..4 {
        db.audit()
            .append(audit_entry(&org, AuditAction::AuthLogin), now())
            .unwrap();
    }
    let mut batches = Vec::new();
    let sent = db
        .audit()
        .export(org.id, &AuditFilter::default(), 2, &mut |b| {
            batches.push(b.iter().map(|e| e.seq).collect::<Vec<_>>());
            true
        })
        .unwrap();
    assert_eq!(sent, 5);
    assert_eq!(batches, vec![vec![5, 4], vec![3, 2], vec![1]]);
    let mut calls = 0;
    db.audit()
        .export(org.id, &AuditFilter::default(), 2, &mut |_| {
            calls += 1;
            false
        })
        .unwrap();
    assert_eq!(calls, 1, "a sink that refuses stops the export");
}

both_backends!(
    pruning_keeps_the_chain_verifiable,
    filters_and_cursor_pages,
    export_streams_batches_newest_first,
);
