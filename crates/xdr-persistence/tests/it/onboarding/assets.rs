//! Assets: upserted by IP within an organization, listed newest first.

use chrono::Duration;
use xdr_domain::onboarding::{
    AssetOs, AssetPriority, AssetRole, ObservedService, ScanCounts, ScanStatus,
};
use xdr_domain::ports::{AssetFilter, OnboardingRepository};
use xdr_domain::{AgentId, AssetId};
use xdr_persistence::Database;
use xdr_persistence::test_support::execute_sql;

use super::{asset, claim, page, running_scan};
use crate::support::{now, tenant};

fn counts(hosts_scanned: u64, found: u64) -> ScanCounts {
    ScanCounts {
        hosts_scanned,
        found,
    }
}

/// Found assets round-trip; lists filter by scan and priority and page by id.
fn assets_round_trip(db: &Database) {
    let (org, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let s = running_scan(db, org.id, t);
    let web = asset("192.0.2.10", s.id, t);
    let mut dc = asset("2001:db8::5", s.id, t);
    dc.role = AssetRole::DomainController;
    dc.priority = dc.role.priority();
    dc.os = AssetOs::Windows;
    dc.hostname = None;
    dc.services = vec![ObservedService::new(389, None)];
    assert!(
        repo.record_scan_progress(
            org.id,
            s.id,
            counts(10, 2),
            &[web.clone(), dc.clone()],
            claim()
        )
        .unwrap()
    );
    let scanned = repo.get_scan(org.id, s.id).unwrap().unwrap();
    assert_eq!((scanned.hosts_scanned, scanned.found), (10, 2));

    let all = repo.list_assets(org.id, &AssetFilter::default(), &page(None, 10));
    assert_eq!(
        all.unwrap(),
        vec![dc.clone(), web.clone()],
        "newest id first"
    );
    let critical = AssetFilter {
        priority: Some(AssetPriority::Critical),
        ..AssetFilter::default()
    };
    assert_eq!(
        repo.list_assets(org.id, &critical, &page(None, 10))
            .unwrap(),
        vec![dc.clone()]
    );
    let of_scan = AssetFilter {
        scan_id: Some(s.id),
        ..AssetFilter::default()
    };
    assert_eq!(
        repo.list_assets(org.id, &of_scan, &page(None, 10))
            .unwrap()
            .len(),
        2
    );
    let older = repo.list_assets(
        org.id,
        &AssetFilter::default(),
        &page(Some(dc.id.as_uuid()), 1),
    );
    assert_eq!(older.unwrap(), vec![web]);
}

/// A later scan updates the IP's asset: same id, first sighting and agent; new findings.
fn a_later_scan_updates_not_duplicates(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let first = running_scan(db, org.id, t);
    let original = asset("192.0.2.10", first.id, t);
    assert!(
        repo.record_scan_progress(
            org.id,
            first.id,
            counts(1, 1),
            std::slice::from_ref(&original),
            claim()
        )
        .unwrap()
    );
    assert!(
        repo.finish_scan(org.id, first.id, ScanStatus::Completed, None, t)
            .unwrap()
    );
    // An agent enrolled on the host since.
    let agent = AgentId::generate();
    execute_sql(
        db,
        &format!(
            "INSERT INTO agents (id, organization_id, instance_id, hostname, platform, state, \
         enrolled_at, buffered_events, dropped_events) VALUES ('{agent}', '{}', 'inst-1', \
         'web-1', 'linux', 'active', '2026-12-02 12:00:00', 0, 0)",
            org.id
        ),
    );
    let linked = format!(
        "UPDATE assets SET agent_id = '{agent}' WHERE id = '{}'",
        original.id
    );
    assert_eq!(execute_sql(db, &linked), 1);

    let later = t + Duration::hours(1);
    let second = running_scan(db, org.id, later);
    let mut seen_again = asset("192.0.2.10", second.id, later);
    seen_again.hostname = Some("web-1.example".into());
    seen_again.role = AssetRole::DatabaseServer;
    seen_again.priority = seen_again.role.priority();
    seen_again.os_confidence = 0.9;
    seen_again.services = vec![ObservedService::new(5432, None)];
    assert_ne!(seen_again.id, original.id);
    assert!(
        repo.record_scan_progress(
            org.id,
            second.id,
            counts(1, 1),
            std::slice::from_ref(&seen_again),
            claim()
        )
        .unwrap()
    );

    let stored = repo
        .list_assets(org.id, &AssetFilter::default(), &page(None, 10))
        .unwrap();
    let expected = xdr_domain::onboarding::Asset {
        id: original.id,
        first_seen_at: original.first_seen_at,
        agent_id: Some(agent),
        ..seen_again.clone()
    };
    assert_eq!(stored, vec![expected]);
    let of_first = AssetFilter {
        scan_id: Some(first.id),
        ..AssetFilter::default()
    };
    assert_eq!(
        repo.list_assets(org.id, &of_first, &page(None, 10))
            .unwrap(),
        vec![]
    );

    // The same IP in another organization is another asset; ours is untouched.
    let theirs = running_scan(db, other.id, later);
    let mut their_host = asset("192.0.2.10", theirs.id, later);
    their_host.id = AssetId::generate();
    assert!(
        repo.record_scan_progress(
            other.id,
            theirs.id,
            counts(1, 1),
            std::slice::from_ref(&their_host),
            claim()
        )
        .unwrap()
    );
    assert_eq!(
        repo.list_assets(other.id, &AssetFilter::default(), &page(None, 10))
            .unwrap(),
        vec![their_host]
    );
    assert_eq!(
        repo.list_assets(org.id, &AssetFilter::default(), &page(None, 10))
            .unwrap(),
        stored
    );

    // A scan that learns no name keeps the one known; everything else it updates.
    assert!(
        repo.finish_scan(org.id, second.id, ScanStatus::Completed, None, later)
            .unwrap()
    );
    let last = later + Duration::hours(1);
    let third = running_scan(db, org.id, last);
    let mut nameless = asset("192.0.2.10", third.id, last);
    nameless.hostname = None;
    assert!(
        repo.record_scan_progress(
            org.id,
            third.id,
            counts(1, 1),
            std::slice::from_ref(&nameless),
            claim()
        )
        .unwrap()
    );
    let kept = repo
        .list_assets(org.id, &AssetFilter::default(), &page(None, 10))
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].hostname.as_deref(), Some("web-1.example"));
    assert_eq!(kept[0].scan_id, third.id);
    assert_eq!(kept[0].services, nameless.services);
}

/// Progress on another organization's (running) scan writes no asset anywhere.
fn assets_stay_in_their_organization(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let t = now();
    let ours = running_scan(db, org.id, t);
    let _theirs = running_scan(db, other.id, t);
    let host = asset("198.51.100.7", ours.id, t);
    assert!(
        !repo
            .record_scan_progress(
                other.id,
                ours.id,
                counts(5, 1),
                std::slice::from_ref(&host),
                claim()
            )
            .unwrap()
    );
    for o in [org.id, other.id] {
        assert_eq!(
            repo.list_assets(o, &AssetFilter::default(), &page(None, 10))
                .unwrap(),
            vec![]
        );
    }
    let untouched = repo.get_scan(org.id, ours.id).unwrap().unwrap();
    assert_eq!((untouched.hosts_scanned, untouched.found), (0, 0));
}

both_backends!(
    assets_round_trip,
    a_later_scan_updates_not_duplicates,
    assets_stay_in_their_organization,
);
