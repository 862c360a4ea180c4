//! Storing event batches: every row of a batch of any size lands (the rows go in statements of
//! fixed sizes), and the dashboard's last 24 hours, found through the time-ordered event ids,
//! end exactly at their boundary.

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use xdr_domain::detection::{EventFilter, EventInput, validate_batch};
use xdr_domain::ports::DetectionRepository;
use xdr_domain::{OrganizationId, PageRequest};
use xdr_persistence::Database;

use crate::support::tenant;

both_backends!(
    every_event_of_a_batch_is_stored_whatever_its_size,
    the_last_24_hours_end_exactly_at_their_boundary,
    events_per_hour_fall_in_their_hour,
);

fn inputs(n: usize, src_ip: &str) -> Vec<EventInput> {
    (0..n)
        .map(|i| EventInput {
            event_type: "net.connection".into(),
            src_ip: src_ip.into(),
            dst_port: Some(i64::try_from(i % 1000).unwrap() + 1),
            ..EventInput::default()
        })
        .collect()
}

/// Stores `n` events from `src_ip`, received at `at`, as the service does.
fn receive(db: &Database, org: OrganizationId, n: usize, src_ip: &str, at: DateTime<Utc>) {
    let batch = validate_batch(org, &inputs(n, src_ip), at).unwrap();
    let outcome = db.detection().ingest(org, batch, at).unwrap();
    assert_eq!(outcome.accepted, n);
}

/// Every stored event id of `org`, newest first, page by page.
fn all_ids(db: &Database, org: OrganizationId) -> Vec<uuid::Uuid> {
    let mut ids = Vec::new();
    let mut before = None;
    loop {
        let page = db
            .detection()
            .list_events(
                org,
                &EventFilter::default(),
                &PageRequest::new(before, Some(500)),
            )
            .unwrap();
        let Some(last) = page.last() else {
            return ids;
        };
        before = Some(last.event.id.as_uuid());
        ids.extend(page.iter().map(|e| e.event.id.as_uuid()));
    }
}

fn every_event_of_a_batch_is_stored_whatever_its_size(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    receive(db, other.id, 7, "198.51.100.1", Utc::now());
    let mut total = 0;
    for size in [1, 9, 10, 11, 99, 100, 101, 999, 1000] {
        receive(db, org.id, size, "198.51.100.7", Utc::now());
        total += size;
        let ids = all_ids(db, org.id);
        assert_eq!(ids.len(), total, "after a batch of {size}");
        assert!(
            ids.windows(2).all(|w| w[0] > w[1]),
            "newest first, no repeats"
        );
    }
    let summary = db.detection().dashboard(org.id, Utc::now()).unwrap();
    assert_eq!(summary.events_last_24h, u64::try_from(total).unwrap());
    assert_eq!(all_ids(db, other.id).len(), 7);
}

fn the_last_24_hours_end_exactly_at_their_boundary(db: &Database) {
    let (org, _) = tenant(db);
    // Not on a millisecond: one microsecond before the boundary shares its millisecond.
    let now =
        Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap() + Duration::microseconds(500_250);
    let now = now.trunc_subsecs(6);
    let boundary = now - Duration::hours(24);
    receive(
        db,
        org.id,
        1,
        "192.0.2.1",
        boundary - Duration::milliseconds(1),
    );
    receive(
        db,
        org.id,
        2,
        "192.0.2.2",
        boundary - Duration::microseconds(1),
    );
    receive(db, org.id, 3, "192.0.2.3", boundary);
    receive(
        db,
        org.id,
        4,
        "192.0.2.4",
        boundary + Duration::microseconds(1),
    );
    receive(db, org.id, 5, "192.0.2.5", now - Duration::hours(1));
    let summary = db.detection().dashboard(org.id, now).unwrap();
    assert_eq!(summary.events_last_24h, 3 + 4 + 5);
    assert_eq!(
        summary.top_source_ips,
        vec![
            ("192.0.2.5".to_owned(), 5),
            ("192.0.2.4".to_owned(), 4),
            ("192.0.2.3".to_owned(), 3),
        ]
    );
}

fn events_per_hour_fall_in_their_hour(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 30, 0).unwrap();
    let hour = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    receive(db, org.id, 2, "192.0.2.1", hour - Duration::microseconds(1));
    receive(db, org.id, 3, "192.0.2.1", hour);
    receive(db, org.id, 4, "192.0.2.1", now);
    receive(db, org.id, 6, "192.0.2.1", now - Duration::hours(30));
    receive(db, other.id, 5, "192.0.2.1", hour);
    let chart = db
        .detection()
        .dashboard(org.id, now)
        .unwrap()
        .events_per_hour;
    assert_eq!(chart.len(), 24);
    let count_at = |h: u32| {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, h, 0, 0).unwrap();
        chart
            .iter()
            .find(|(start, _)| *start == at)
            .map(|(_, n)| *n)
    };
    assert_eq!(count_at(8), Some(2));
    assert_eq!(count_at(9), Some(3));
    assert_eq!(count_at(12), Some(4));
    assert_eq!(chart.iter().map(|(_, n)| n).sum::<u64>(), 2 + 3 + 4);
}
