//! Detection across batches through the window tallies: counts add up over batches, values
//! count once, what left the window no longer counts, and old tallies are pruned.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use xdr_domain::detection::NewEvent;
use xdr_domain::ports::{DetectionRepository, IngestOutcome};
use xdr_domain::{EventId, OrganizationId};
use xdr_persistence::Database;
use xdr_persistence::test_support::execute_sql;

use crate::support::tenant;

both_backends!(
    a_port_scan_adds_up_across_batches,
    ports_that_left_the_window_do_not_count,
    failed_logins_count_per_event_across_batches,
    old_tallies_are_pruned,
);

const ATTACKER: &str = "203.0.113.50";

fn start() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0) - Duration::minutes(30)
}

fn event(
    org: OrganizationId,
    kind: &str,
    port: u16,
    user: Option<&str>,
    at: DateTime<Utc>,
) -> NewEvent {
    NewEvent {
        id: EventId::generate(),
        organization_id: org,
        event_type: kind.to_owned(),
        src_ip: ATTACKER.parse::<IpAddr>().unwrap(),
        dst_ip: None,
        dst_port: Some(port),
        hostname: None,
        username: user.map(str::to_owned),
        message: None,
        raw: None,
        occurred_at: at,
        received_at: at,
    }
}

fn scan(org: OrganizationId, ports: std::ops::Range<u16>, at: DateTime<Utc>) -> Vec<NewEvent> {
    ports
        .map(|p| event(org, "net.connection", p, None, at))
        .collect()
}

fn ingest(
    db: &Database,
    org: OrganizationId,
    batch: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> IngestOutcome {
    db.detection().ingest(org, batch, now).unwrap()
}

fn a_port_scan_adds_up_across_batches(db: &Database) {
    let (org, _) = tenant(db);
    let t = start();
    for (i, ports) in [(0, 1000..1005), (1, 1005..1010), (2, 1010..1015)] {
        let at = t + Duration::seconds(i * 5);
        let out = ingest(db, org.id, scan(org.id, ports, at), at);
        assert!(
            out.incidents_opened.is_empty(),
            "{} ports so far",
            (i + 1) * 5
        );
    }
    // The same ports again add nothing: distinct ports are counted once.
    let at = t + Duration::seconds(16);
    let out = ingest(db, org.id, scan(org.id, 1000..1015, at), at);
    assert!(out.incidents_opened.is_empty(), "still 15 distinct ports");
    let at = t + Duration::seconds(20);
    let out = ingest(db, org.id, scan(org.id, 1015..1020, at), at);
    assert_eq!(out.incidents_opened.len(), 1, "20 distinct ports in 60 s");
    let incident = db
        .detection()
        .get_incident(org.id, out.incidents_opened[0])
        .unwrap()
        .unwrap();
    assert_eq!(
        incident.first_seen_at, t,
        "from the first port of the window"
    );
    assert!(incident.title.contains("20 ports"), "{}", incident.title);
}

fn ports_that_left_the_window_do_not_count(db: &Database) {
    let (org, _) = tenant(db);
    let t = start();
    ingest(db, org.id, scan(org.id, 1..20, t), t);
    // 61 s later the first 19 ports are out of the 60 s window.
    let later = t + Duration::seconds(61);
    let out = ingest(db, org.id, scan(org.id, 20..21, later), later);
    assert!(out.incidents_opened.is_empty());
    // Another organization's tallies never count for this one.
    let (other, _) = tenant(db);
    ingest(db, other.id, scan(other.id, 100..119, later), later);
    let out = ingest(db, org.id, scan(org.id, 21..22, later), later);
    assert!(
        out.incidents_opened.is_empty(),
        "2 ports of its own in the window"
    );
}

fn failed_logins_count_per_event_across_batches(db: &Database) {
    let (org, _) = tenant(db);
    let t = start();
    let failure = |at| event(org.id, "cowrie.login.failed", 22, Some("root"), at);
    for i in 0..5 {
        let at = t + Duration::seconds(i * 10);
        let out = ingest(db, org.id, vec![failure(at)], at);
        assert!(out.incidents_opened.is_empty(), "{} failures", i + 1);
    }
    let at = t + Duration::seconds(50);
    let out = ingest(db, org.id, vec![failure(at)], at);
    assert_eq!(out.incidents_opened.len(), 1, "6 failures in 60 s");
    let at = t + Duration::seconds(55);
    let out = ingest(db, org.id, vec![failure(at), failure(at)], at);
    assert_eq!(out.incidents_updated.len(), 1, "the open incident grows");
    let id = out.incidents_updated[0];
    let incident = db.detection().get_incident(org.id, id).unwrap().unwrap();
    assert_eq!(incident.event_count, 8);
}

fn rows(db: &Database, table: &str, org: OrganizationId) -> usize {
    // An UPDATE that changes nothing reports how many rows it matched.
    execute_sql(
        db,
        &format!("UPDATE {table} SET rule = rule WHERE organization_id = '{org}'"),
    )
}

fn old_tallies_are_pruned(db: &Database) {
    let (org, _) = tenant(db);
    let long_ago = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let mut batch = scan(org.id, 1..4, long_ago);
    batch.push(event(org.id, "auth.failed", 22, Some("admin"), long_ago));
    ingest(db, org.id, batch, long_ago);
    assert_eq!(rows(db, "detection_event_counts", org.id), 1);
    assert_eq!(
        rows(db, "detection_distinct_values", org.id),
        5,
        "4 ports, 1 username"
    );
    // Far past the longest window (5 min) and its margin, the next ingest drops them.
    let now = long_ago + Duration::hours(1);
    ingest(db, org.id, scan(org.id, 9..10, now), now);
    assert_eq!(rows(db, "detection_event_counts", org.id), 0);
    assert_eq!(
        rows(db, "detection_distinct_values", org.id),
        1,
        "only the new port"
    );
}
