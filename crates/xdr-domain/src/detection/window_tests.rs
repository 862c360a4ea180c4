use std::collections::BTreeMap;

use chrono::{Duration, TimeZone};

use super::*;
use crate::detection::reference::count_in_window;
use crate::detection::rule::{AUTH_FAILED, COWRIE_LOGIN_FAILED};

fn ip(n: u8) -> IpAddr {
    IpAddr::from([198, 51, 100, n])
}

fn fact(kind: &str, port: Option<u16>, user: Option<&str>, at: DateTime<Utc>) -> EventFacts {
    EventFacts {
        event_type: kind.to_owned(),
        dst_port: port,
        username: user.map(str::to_owned),
        occurred_at: at,
    }
}

/// The tallies as storage keeps them: summed per second, newest occurrence per value.
#[derive(Default)]
struct Store {
    per_second: BTreeMap<(WindowKey, i64), i64>,
    values: BTreeMap<(WindowKey, String), DateTime<Utc>>,
}

impl Store {
    fn record(&mut self, tallies: &BTreeMap<WindowKey, BatchTally>) {
        for (key, tally) in tallies {
            for (second, n) in &tally.per_second {
                *self.per_second.entry((*key, *second)).or_insert(0) += n;
            }
            for (value, at) in &tally.values {
                let newest = self.values.entry((*key, value.clone())).or_insert(*at);
                *newest = (*newest).max(*at);
            }
        }
    }

    fn count(&self, key: WindowKey, settings: &RuleSettings, until: DateTime<Utc>) -> u32 {
        let n = if key.rule.counts_distinct_values() {
            let since = settings.window_start(until);
            self.values
                .iter()
                .filter(|((k, _), at)| *k == key && **at > since)
                .count() as i64
        } else {
            let (first, last) = settings.window_seconds_ending(until);
            self.per_second
                .range((key, first)..=(key, last))
                .map(|(_, n)| n)
                .sum()
        };
        u32::try_from(n).unwrap()
    }
}

/// A small deterministic generator (no I/O, no dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[test]
fn tallies_count_exactly_what_the_rules_count_over_the_events() {
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let mut rng = Lcg(7);
    let mut store = Store::default();
    let mut all: Vec<(IpAddr, EventFacts)> = Vec::new();
    let users = ["root", "admin", "oracle", "pi", "ubuntu", "test"];
    let kinds = [
        COWRIE_LOGIN_FAILED,
        AUTH_FAILED,
        "net.connection",
        "proc.start",
    ];
    for batch_no in 0..40 {
        // Whole seconds, out of order inside a batch; each batch later than the one before
        // (a value seen after the end of a window still counts in it: see the module docs).
        let base = start + Duration::seconds(batch_no * 20);
        let batch: Vec<(IpAddr, EventFacts)> = (0..25)
            .map(|_| {
                let at = base + Duration::seconds(rng.next(20) as i64);
                let kind = kinds[rng.next(kinds.len() as u64) as usize];
                let port = (rng.next(3) > 0).then(|| [22, 80, 443, 8080][rng.next(4) as usize]);
                let user = (rng.next(2) == 0).then(|| users[rng.next(6) as usize]);
                (ip(rng.next(3) as u8), fact(kind, port, user, at))
            })
            .collect();
        let tallies = tally_batch(batch.iter().map(|(ip, f)| (*ip, f)));
        store.record(&tallies);
        all.extend(batch);
        for (key, tally) in &tallies {
            let settings = key.rule.default_settings();
            let of_ip: Vec<EventFacts> = all
                .iter()
                .filter(|(ip, _)| *ip == key.src_ip)
                .map(|(_, f)| f.clone())
                .collect();
            assert_eq!(
                store.count(*key, &settings, tally.until),
                count_in_window(key.rule, &settings, &of_ip, tally.until),
                "{key:?} at batch {batch_no}"
            );
        }
    }
}

#[test]
fn a_batch_touches_only_the_windows_it_has_matching_events_for() {
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
    let web = fact("net.connection", Some(443), None, at);
    let ssh = fact(
        COWRIE_LOGIN_FAILED,
        Some(22),
        Some("root"),
        at + Duration::seconds(2),
    );
    let tallies = tally_batch([(ip(1), &web), (ip(2), &ssh), (ip(2), &ssh)]);
    let keys: Vec<_> = tallies.keys().map(|k| (k.rule, k.src_ip)).collect();
    assert_eq!(
        keys,
        vec![
            (RuleKind::SshBruteForce, ip(2)),
            (RuleKind::PortScan, ip(1)),
            (RuleKind::PortScan, ip(2)),
            (RuleKind::CredentialStuffing, ip(2)),
        ]
    );
    let ssh_tally = &tallies[&WindowKey {
        rule: RuleKind::SshBruteForce,
        src_ip: ip(2),
    }];
    assert_eq!(ssh_tally.added, 2);
    assert_eq!(ssh_tally.until, at + Duration::seconds(2));
    assert_eq!(ssh_tally.per_second.values().sum::<i64>(), 2);
    assert!(ssh_tally.values.is_empty());
    let users = &tallies[&WindowKey {
        rule: RuleKind::CredentialStuffing,
        src_ip: ip(2),
    }];
    assert_eq!(users.values.len(), 1, "one distinct username");
}

#[test]
fn the_event_window_covers_exactly_its_seconds() {
    let settings = RuleKind::SshBruteForce.default_settings();
    let until = Utc.with_ymd_and_hms(2026, 11, 23, 12, 1, 0).unwrap();
    let (first, last) = settings.window_seconds_ending(until);
    assert_eq!(last - first + 1, 60);
    assert_eq!(last, until.timestamp());
    assert_eq!(settings.window_start(until), until - Duration::seconds(60));
}
