use super::*;
use crate::clock::{Clock, ManualClock};
use crate::detection::reference::evaluate;

fn ip() -> IpAddr {
    "203.0.113.5".parse().unwrap()
}

fn event(kind: &str, port: Option<u16>, user: Option<&str>, at: DateTime<Utc>) -> EventFacts {
    EventFacts {
        event_type: kind.to_owned(),
        dst_port: port,
        username: user.map(str::to_owned),
        occurred_at: at,
    }
}

fn failed_logins(n: usize, clock: &ManualClock) -> Vec<EventFacts> {
    (0..n)
        .map(|_| {
            clock.advance(Duration::seconds(1));
            event(COWRIE_LOGIN_FAILED, Some(22), Some("root"), clock.now())
        })
        .collect()
}

#[test]
fn ssh_brute_force_fires_at_six_in_a_minute() {
    let clock = ManualClock::new(Utc::now());
    let rule = RuleKind::SshBruteForce;
    let settings = rule.default_settings();
    let five = failed_logins(5, &clock);
    assert_eq!(evaluate(rule, &settings, ip(), &five, clock.now()), None);
    let mut six = five.clone();
    six.extend(failed_logins(1, &clock));
    let d = evaluate(rule, &settings, ip(), &six, clock.now()).unwrap();
    assert_eq!(d.count, 6);
    assert_eq!(d.severity, Severity::Medium);
    assert!((d.risk_score - 0.66).abs() < 1e-9);
}

#[test]
fn ssh_brute_force_severity_and_risk_cap() {
    assert_eq!(score(RuleKind::SshBruteForce, 12).0, Severity::Medium);
    assert_eq!(score(RuleKind::SshBruteForce, 13).0, Severity::High);
    assert!((score(RuleKind::SshBruteForce, 80).1 - 0.95).abs() < 1e-9);
}

#[test]
fn events_outside_the_window_do_not_count() {
    let clock = ManualClock::new(Utc::now());
    let rule = RuleKind::SshBruteForce;
    let old = failed_logins(5, &clock);
    clock.advance(Duration::seconds(120));
    let mut all = old;
    all.extend(failed_logins(1, &clock));
    assert_eq!(
        evaluate(rule, &rule.default_settings(), ip(), &all, clock.now()),
        None
    );
}

#[test]
fn auth_failed_counts_for_ssh_only_on_port_22() {
    let now = Utc::now();
    let rule = RuleKind::SshBruteForce;
    let web: Vec<_> = (0..10)
        .map(|_| event(AUTH_FAILED, Some(443), Some("a"), now))
        .collect();
    assert_eq!(
        evaluate(rule, &rule.default_settings(), ip(), &web, now),
        None
    );
    let ssh: Vec<_> = (0..6)
        .map(|_| event(AUTH_FAILED, Some(22), Some("a"), now))
        .collect();
    assert!(evaluate(rule, &rule.default_settings(), ip(), &ssh, now).is_some());
}

#[test]
fn port_scan_counts_distinct_ports() {
    let now = Utc::now();
    let rule = RuleKind::PortScan;
    let same: Vec<_> = (0..50)
        .map(|_| event("net.conn", Some(80), None, now))
        .collect();
    assert_eq!(
        evaluate(rule, &rule.default_settings(), ip(), &same, now),
        None
    );
    let spread: Vec<_> = (1..=20)
        .map(|p| event("net.conn", Some(p), None, now))
        .collect();
    let d = evaluate(rule, &rule.default_settings(), ip(), &spread, now).unwrap();
    assert_eq!((d.count, d.severity), (20, Severity::Medium));
}

#[test]
fn credential_stuffing_counts_distinct_usernames_in_five_minutes() {
    let now = Utc::now();
    let rule = RuleKind::CredentialStuffing;
    let nine: Vec<_> = (0..9)
        .map(|i| {
            event(
                AUTH_FAILED,
                Some(443),
                Some(&format!("user{i}")),
                now - Duration::seconds(200),
            )
        })
        .collect();
    assert_eq!(
        evaluate(rule, &rule.default_settings(), ip(), &nine, now),
        None
    );
    let mut ten = nine;
    ten.push(event(COWRIE_LOGIN_FAILED, None, Some("admin"), now));
    let d = evaluate(rule, &rule.default_settings(), ip(), &ten, now).unwrap();
    assert_eq!((d.count, d.severity), (10, Severity::High));
}

#[test]
fn disabled_or_tuned_rules() {
    let now = Utc::now();
    let rule = RuleKind::SshBruteForce;
    let events: Vec<_> = (0..3)
        .map(|_| event(COWRIE_LOGIN_FAILED, None, None, now))
        .collect();
    let tuned = RuleSettings {
        threshold: 3,
        ..rule.default_settings()
    };
    assert!(evaluate(rule, &tuned, ip(), &events, now).is_some());
    let off = RuleSettings {
        enabled: false,
        ..tuned
    };
    assert_eq!(evaluate(rule, &off, ip(), &events, now), None);
}

#[test]
fn rule_names_round_trip() {
    for r in RuleKind::ALL {
        assert_eq!(r.as_str().parse::<RuleKind>().unwrap(), r);
    }
}

#[test]
fn risk_is_shown_with_two_decimals() {
    let (_, raw) = score(RuleKind::SshBruteForce, 6);
    assert_eq!(rounded_risk(0.6599999999999999), 0.66);
    assert_eq!(rounded_risk(raw), 0.66);
    assert_eq!(rounded_risk(0.955), 0.96);
    assert_eq!(
        serde_json::to_string(&rounded_risk(0.6 + 6.0 / 100.0)).unwrap(),
        "0.66"
    );
}
