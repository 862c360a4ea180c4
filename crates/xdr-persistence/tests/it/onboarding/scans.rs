//! Discovery scans: one active per organization, a status that only moves forward, and the
//! interruption of abandoned scans across organizations.

use chrono::Duration;
use xdr_domain::audit::AuditAction;
use xdr_domain::onboarding::{ScanCounts, ScanStatus};
use xdr_domain::ports::OnboardingRepository;
use xdr_domain::{Conflict, RepoError};
use xdr_persistence::Database;

use super::{actions, asset, audit, claim, page, running_scan, scan};
use crate::support::{now, tenant};

fn scan_round_trip(db: &Database) {
    let (org, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let first = scan(t);
    repo.create_scan(
        org.id,
        &first,
        audit(org.id, AuditAction::DiscoveryScanStarted, first.id),
    )
    .unwrap();
    assert_eq!(
        repo.get_scan(org.id, first.id).unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        actions(db, org.id).last(),
        Some(&AuditAction::DiscoveryScanStarted)
    );
    assert!(!repo.has_completed_scan(org.id).unwrap());

    assert!(repo.start_scan(org.id, first.id, t, claim()).unwrap());
    assert!(
        !repo.start_scan(org.id, first.id, t, claim()).unwrap(),
        "started twice"
    );
    let counts = ScanCounts {
        hosts_scanned: 120,
        found: 3,
    };
    assert!(
        repo.record_scan_progress(org.id, first.id, counts, &[], claim())
            .unwrap()
    );
    let later = t + Duration::seconds(30);
    assert!(
        repo.finish_scan(org.id, first.id, ScanStatus::Completed, None, later)
            .unwrap()
    );
    assert!(
        !repo
            .finish_scan(org.id, first.id, ScanStatus::Failed, Some("late"), later)
            .unwrap()
    );
    let done = repo.get_scan(org.id, first.id).unwrap().unwrap();
    let expected = xdr_domain::onboarding::Scan {
        status: ScanStatus::Completed,
        hosts_scanned: 120,
        found: 3,
        started_at: Some(t),
        finished_at: Some(later),
        ..first.clone()
    };
    assert_eq!(done, expected);
    assert!(repo.has_completed_scan(org.id).unwrap());

    // The slot is free again: a second scan, which fails.
    let second = scan(later);
    repo.create_scan(
        org.id,
        &second,
        audit(org.id, AuditAction::DiscoveryScanStarted, second.id),
    )
    .unwrap();
    assert!(
        repo.finish_scan(
            org.id,
            second.id,
            ScanStatus::Failed,
            Some("no route"),
            later
        )
        .unwrap()
    );
    let failed = repo.get_scan(org.id, second.id).unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (ScanStatus::Failed, Some("no route"))
    );

    let third = scan(later);
    repo.create_scan(
        org.id,
        &third,
        audit(org.id, AuditAction::DiscoveryScanStarted, third.id),
    )
    .unwrap();
    let ids = |scans: Vec<xdr_domain::onboarding::Scan>| -> Vec<_> {
        scans.into_iter().map(|s| s.id).collect()
    };
    let all = repo.list_scans(org.id, &page(None, 10)).unwrap();
    assert_eq!(ids(all), vec![third.id, second.id, first.id]);
    let older = repo
        .list_scans(org.id, &page(Some(third.id.as_uuid()), 1))
        .unwrap();
    assert_eq!(
        ids(older),
        vec![second.id, first.id],
        "fetch_limit is limit + 1"
    );
}

/// A second queued or running scan is a conflict on both backends; other organizations have
/// slots of their own.
fn one_active_scan_per_organization(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let queued = scan(now());
    repo.create_scan(
        org.id,
        &queued,
        audit(org.id, AuditAction::DiscoveryScanStarted, queued.id),
    )
    .unwrap();
    let audited = actions(db, org.id);
    let second = scan(now());
    let refused = repo.create_scan(
        org.id,
        &second,
        audit(org.id, AuditAction::DiscoveryScanStarted, second.id),
    );
    assert!(
        matches!(refused, Err(RepoError::Conflict(Conflict::ScanRunning))),
        "{refused:?}"
    );
    assert_eq!(repo.get_scan(org.id, second.id).unwrap(), None);
    assert_eq!(
        actions(db, org.id),
        audited,
        "the refused scan's entry rolled back"
    );

    assert!(repo.start_scan(org.id, queued.id, now(), claim()).unwrap());
    let refused = repo.create_scan(
        org.id,
        &second,
        audit(org.id, AuditAction::DiscoveryScanStarted, second.id),
    );
    assert!(
        matches!(refused, Err(RepoError::Conflict(Conflict::ScanRunning))),
        "{refused:?}"
    );

    let theirs = running_scan(db, other.id, now());
    assert_eq!(theirs.status, ScanStatus::Running);
}

/// A cancelled scan refuses progress and stays cancelled; cancelling is audited once.
fn a_cancelled_scan_refuses_progress(db: &Database) {
    let (org, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let s = running_scan(db, org.id, t);
    let cancel = || audit(org.id, AuditAction::DiscoveryScanCancelled, s.id);
    let cancelled = repo
        .cancel_scan(org.id, s.id, t, cancel())
        .unwrap()
        .unwrap();
    assert_eq!(cancelled.status, ScanStatus::Cancelled);
    assert_eq!(cancelled.finished_at, Some(t));
    let audited = actions(db, org.id);
    assert_eq!(audited.last(), Some(&AuditAction::DiscoveryScanCancelled));

    let counts = ScanCounts {
        hosts_scanned: 9,
        found: 1,
    };
    let found = [asset("192.0.2.10", s.id, t)];
    assert!(
        !repo
            .record_scan_progress(org.id, s.id, counts, &found, claim())
            .unwrap()
    );
    assert!(!repo.start_scan(org.id, s.id, t, claim()).unwrap());
    assert!(
        !repo
            .finish_scan(org.id, s.id, ScanStatus::Completed, None, t)
            .unwrap()
    );
    let again = repo.cancel_scan(org.id, s.id, t + Duration::seconds(5), cancel());
    assert_eq!(again.unwrap(), Some(cancelled.clone()));
    assert_eq!(repo.get_scan(org.id, s.id).unwrap(), Some(cancelled));
    assert_eq!(actions(db, org.id), audited, "no second cancellation entry");
    let assets = repo.list_assets(org.id, &Default::default(), &page(None, 10));
    assert_eq!(assets.unwrap(), vec![]);

    // A queued scan (never started) refuses progress too; an unknown scan cancels to None.
    let queued = scan(t);
    repo.create_scan(
        org.id,
        &queued,
        audit(org.id, AuditAction::DiscoveryScanStarted, queued.id),
    )
    .unwrap();
    assert!(
        !repo
            .record_scan_progress(org.id, queued.id, counts, &[], claim())
            .unwrap()
    );
    let unknown = xdr_domain::ScanId::generate();
    assert_eq!(
        repo.cancel_scan(org.id, unknown, t, cancel()).unwrap(),
        None
    );
}

/// Across organizations, the active scans no instance runs any more are interrupted: a
/// running one whose claim ran out and a queued one never started for a whole lease. A scan
/// claimed by a live instance, one just queued, and ended scans are left as they are.
fn interrupt_abandoned_scans_spans_organizations(db: &Database) {
    let repo = db.onboarding();
    let t = now();
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let (c, _) = tenant(db);
    let (d, _) = tenant(db);
    let (e, _) = tenant(db);
    let queued = scan(t);
    repo.create_scan(
        a.id,
        &queued,
        audit(a.id, AuditAction::DiscoveryScanStarted, queued.id),
    )
    .unwrap();
    // Claimed until t + 30 s by the instance that died.
    let running = running_scan(db, b.id, t);
    let completed = running_scan(db, c.id, t);
    assert!(
        repo.finish_scan(c.id, completed.id, ScanStatus::Completed, None, t)
            .unwrap()
    );
    let completed = repo.get_scan(c.id, completed.id).unwrap().unwrap();
    // Its instance wrote progress and renewed its claim to t + 5 min.
    let alive = running_scan(db, d.id, t);
    let progress = ScanCounts {
        hosts_scanned: 1,
        found: 0,
    };
    let renewed = t + Duration::minutes(5);
    assert!(
        repo.record_scan_progress(d.id, alive.id, progress, &[], renewed)
            .unwrap()
    );
    let fresh = scan(t + Duration::seconds(50));
    repo.create_scan(
        e.id,
        &fresh,
        audit(e.id, AuditAction::DiscoveryScanStarted, fresh.id),
    )
    .unwrap();

    let at = t + Duration::minutes(1);
    let unclaimed_before = at - Duration::seconds(30);
    assert_eq!(
        repo.interrupt_abandoned_scans(at, unclaimed_before)
            .unwrap(),
        2
    );
    for (org, id) in [(a.id, queued.id), (b.id, running.id)] {
        let s = repo.get_scan(org, id).unwrap().unwrap();
        assert_eq!(
            (s.status, s.finished_at),
            (ScanStatus::Interrupted, Some(at))
        );
    }
    assert_eq!(repo.get_scan(c.id, completed.id).unwrap(), Some(completed));
    let still = |org, id| repo.get_scan(org, id).unwrap().unwrap().status;
    assert_eq!(still(d.id, alive.id), ScanStatus::Running, "a live claim");
    assert_eq!(still(e.id, fresh.id), ScanStatus::Queued, "just queued");
    assert!(
        !repo
            .record_scan_progress(b.id, running.id, progress, &[], claim())
            .unwrap()
    );
    assert_eq!(
        repo.interrupt_abandoned_scans(at, unclaimed_before)
            .unwrap(),
        0
    );
    // Once the live claim runs out too, it is interrupted.
    let later = renewed + Duration::seconds(1);
    assert_eq!(
        repo.interrupt_abandoned_scans(later, later - Duration::seconds(30))
            .unwrap(),
        2,
        "the lapsed claim and the queued scan never started"
    );
    assert_eq!(still(d.id, alive.id), ScanStatus::Interrupted);
    // The slot is free again.
    let next = scan(at);
    repo.create_scan(
        a.id,
        &next,
        audit(a.id, AuditAction::DiscoveryScanStarted, next.id),
    )
    .unwrap();
}

/// Another organization's scan is missing for every method, and stays as it was.
fn another_organizations_scan_is_out_of_reach(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let s = running_scan(db, org.id, t);
    let theirs = actions(db, other.id);
    let ours = actions(db, org.id);

    assert_eq!(repo.get_scan(other.id, s.id).unwrap(), None);
    assert_eq!(repo.list_scans(other.id, &page(None, 10)).unwrap(), vec![]);
    assert!(!repo.start_scan(other.id, s.id, t, claim()).unwrap());
    let counts = ScanCounts {
        hosts_scanned: 50,
        found: 1,
    };
    let found = [asset("192.0.2.20", s.id, t)];
    assert!(
        !repo
            .record_scan_progress(other.id, s.id, counts, &found, claim())
            .unwrap()
    );
    assert!(
        !repo
            .finish_scan(other.id, s.id, ScanStatus::Completed, None, t)
            .unwrap()
    );
    let cancel = audit(other.id, AuditAction::DiscoveryScanCancelled, s.id);
    assert_eq!(repo.cancel_scan(other.id, s.id, t, cancel).unwrap(), None);
    assert!(!repo.has_completed_scan(other.id).unwrap());

    assert_eq!(repo.get_scan(org.id, s.id).unwrap(), Some(s.clone()));
    assert_eq!(
        repo.list_assets(org.id, &Default::default(), &page(None, 10))
            .unwrap(),
        vec![]
    );
    assert_eq!(
        repo.list_assets(other.id, &Default::default(), &page(None, 10))
            .unwrap(),
        vec![]
    );
    assert_eq!(actions(db, other.id), theirs);
    assert_eq!(actions(db, org.id), ours);

    // An audit entry for another organization's chain is refused before anything is written.
    let stray = scan(t);
    let wrong = audit(other.id, AuditAction::DiscoveryScanStarted, stray.id);
    let refused = repo.create_scan(org.id, &stray, wrong);
    assert!(
        matches!(refused, Err(RepoError::Internal(_))),
        "{refused:?}"
    );
    assert_eq!(repo.get_scan(org.id, stray.id).unwrap(), None);
}

both_backends!(
    scan_round_trip,
    one_active_scan_per_organization,
    a_cancelled_scan_refuses_progress,
    interrupt_abandoned_scans_spans_organizations,
    another_organizations_scan_is_out_of_reach,
);
