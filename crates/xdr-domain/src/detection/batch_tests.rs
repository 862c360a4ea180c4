use std::net::IpAddr;

use chrono::Duration;

use super::*;
use crate::detection::rule::COWRIE_LOGIN_FAILED;
use crate::detection::severity::IncidentStatus;
use crate::detection::window::tally_batch;

fn ip(n: u8) -> IpAddr {
    IpAddr::from([203, 0, 113, n])
}

fn failed_login(at: DateTime<Utc>) -> EventFacts {
    EventFacts {
        event_type: COWRIE_LOGIN_FAILED.to_owned(),
        dst_port: Some(22),
        username: Some("root".to_owned()),
        occurred_at: at,
    }
}

fn defaults() -> BTreeMap<RuleKind, RuleSettings> {
    RuleKind::ALL
        .into_iter()
        .map(|r| (r, r.default_settings()))
        .collect()
}

fn brute(src: IpAddr) -> WindowKey {
    WindowKey {
        rule: RuleKind::SshBruteForce,
        src_ip: src,
    }
}

/// A batch of `n` failed logins from `src`, one a second from `start`.
fn batch(src: IpAddr, n: i64, start: DateTime<Utc>) -> BTreeMap<WindowKey, BatchTally> {
    let facts: Vec<EventFacts> = (0..n)
        .map(|i| failed_login(start + Duration::seconds(i)))
        .collect();
    tally_batch(facts.iter().map(|f| (src, f)))
}

#[test]
fn a_touched_window_fires_when_its_count_reaches_the_threshold() {
    let now = Utc::now();
    let tallies = batch(ip(1), 2, now);
    let below = BTreeMap::from([(brute(ip(1)), 5)]);
    assert!(!fired(&defaults(), &tallies, &below).contains_key(&brute(ip(1))));
    let reached = BTreeMap::from([(brute(ip(1)), 6)]);
    let detections = fired(&defaults(), &tallies, &reached);
    assert_eq!(detections[&brute(ip(1))].count, 6);
    assert_eq!(detections[&brute(ip(1))].rule, RuleKind::SshBruteForce);
}

#[test]
fn untouched_windows_and_disabled_rules_never_fire() {
    let now = Utc::now();
    let tallies = batch(ip(1), 1, now);
    // A count for a window the batch did not touch is not evaluated.
    let counts = BTreeMap::from([(brute(ip(1)), 1), (brute(ip(2)), 100)]);
    assert!(fired(&defaults(), &tallies, &counts).is_empty());
    let mut settings = defaults();
    if let Some(s) = settings.get_mut(&RuleKind::SshBruteForce) {
        s.enabled = false;
    }
    let counts = BTreeMap::from([(brute(ip(1)), 100)]);
    assert!(fired(&settings, &tallies, &counts).is_empty());
    // A rule with no settings at all does not fire either.
    assert!(fired(&BTreeMap::new(), &tallies, &counts).is_empty());
}

#[test]
fn a_fired_key_without_an_open_incident_opens_one_first_seen_at_its_first_event() {
    let org = OrganizationId::generate();
    let now = Utc::now();
    let start = now - Duration::seconds(30);
    let tallies = batch(ip(1), 6, start);
    let detections = fired(&defaults(), &tallies, &BTreeMap::from([(brute(ip(1)), 8)]));
    let earlier = start - Duration::seconds(10);
    let stored = vec![
        // Outside the 60 s window ending at the batch's newest event: not the first seen.
        failed_login(start - Duration::seconds(300)),
        // Not a failed login: does not count.
        EventFacts {
            event_type: "http.request".to_owned(),
            ..failed_login(start - Duration::seconds(20))
        },
        failed_login(earlier),
        failed_login(start),
    ];
    let facts = BTreeMap::from([(ip(1), stored)]);
    let open = BTreeMap::new();
    let read = FiredReadings {
        settings: &defaults(),
        tallies: &tallies,
        open: &open,
        facts: &facts,
    };
    let writes = plan(org, &detections, read, now);
    assert!(writes.grown.is_empty());
    let [incident] = writes.opened.as_slice() else {
        panic!("one incident opens: {writes:?}");
    };
    assert_eq!(incident.organization_id, org);
    assert_eq!(incident.status, IncidentStatus::Open);
    assert_eq!(incident.src_ip, ip(1));
    assert_eq!(incident.event_count, 8);
    assert_eq!(incident.first_seen_at, earlier);
}

#[test]
fn a_fired_key_with_an_open_incident_grows_it_and_opens_nothing() {
    let org = OrganizationId::generate();
    let now = Utc::now();
    let tallies = batch(ip(1), 3, now - Duration::seconds(5));
    let detections = fired(&defaults(), &tallies, &BTreeMap::from([(brute(ip(1)), 20)]));
    let first = fired(&defaults(), &tallies, &BTreeMap::from([(brute(ip(1)), 6)]));
    let existing = Incident::open(
        org,
        &first[&brute(ip(1))],
        now - Duration::seconds(50),
        now - Duration::seconds(40),
    );
    let open = BTreeMap::from([(brute(ip(1)), existing.clone())]);
    let facts = BTreeMap::new();
    let read = FiredReadings {
        settings: &defaults(),
        tallies: &tallies,
        open: &open,
        facts: &facts,
    };
    let writes = plan(org, &detections, read, now);
    assert!(
        writes.opened.is_empty(),
        "one open incident per rule and IP"
    );
    let [grown] = writes.grown.as_slice() else {
        panic!("the open incident grows: {writes:?}");
    };
    assert_eq!(grown.id, existing.id);
    assert_eq!(grown.event_count, 6 + 3);
    assert!(grown.risk_score > existing.risk_score);
    assert_eq!(grown.first_seen_at, existing.first_seen_at);
    assert_eq!(grown.updated_at, now);
}

#[test]
fn keys_of_many_source_ips_are_decided_independently() {
    let org = OrganizationId::generate();
    let now = Utc::now();
    let mut tallies = BTreeMap::new();
    let mut counts = BTreeMap::new();
    for n in 1..=50 {
        tallies.extend(batch(ip(n), 1, now));
        counts.insert(brute(ip(n)), u32::from(n));
    }
    let detections = fired(&defaults(), &tallies, &counts);
    // The threshold is 6: IPs 6..=50 fire.
    assert_eq!(detections.len(), 45);
    let opened_for = ip(7);
    let open = BTreeMap::from([(
        brute(opened_for),
        Incident::open(org, &detections[&brute(opened_for)], now, now),
    )]);
    let facts = BTreeMap::new();
    let read = FiredReadings {
        settings: &defaults(),
        tallies: &tallies,
        open: &open,
        facts: &facts,
    };
    let writes = plan(org, &detections, read, now);
    assert_eq!(writes.grown.len(), 1);
    assert_eq!(writes.grown[0].src_ip, opened_for);
    assert_eq!(writes.opened.len(), 44);
    assert!(writes.opened.iter().all(|i| i.src_ip != opened_for));
}
