#![allow(clippy::unwrap_used)]

use super::*;

fn now() -> DateTime<Utc> {
    "2026-12-02T12:00:00Z".parse().unwrap()
}

fn parse(line: &str) -> EventInput {
    parse_sshd_line(line, now()).unwrap()
}

#[test]
fn failed_passwords_of_known_and_invalid_users() {
    let e = parse(
        "Dec  2 10:15:30 web1 sshd[812]: Failed password for root from 203.0.113.7 port 51234 ssh2",
    );
    assert_eq!(e.event_type, "auth.failed");
    assert_eq!(e.src_ip, "203.0.113.7");
    assert_eq!(e.username.as_deref(), Some("root"));
    assert_eq!(e.hostname.as_deref(), Some("web1"));
    assert_eq!(e.dst_port, Some(22));
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30+00:00"
    );
    let invalid = parse(
        "Dec  2 10:15:31 web1 sshd[812]: Failed password for invalid user admin from 2001:db8::7 port 51234 ssh2",
    );
    assert_eq!(invalid.username.as_deref(), Some("admin"));
    assert_eq!(invalid.src_ip, "2001:db8::7");
    let key = parse(
        "Dec  2 10:15:32 web1 sshd[812]: Failed publickey for git from 203.0.113.8 port 1 ssh2",
    );
    assert_eq!(key.event_type, "auth.failed");
}

#[test]
fn accepted_invalid_and_disconnects() {
    let ok = parse(
        "Dec  2 10:16:00 web1 sshd[900]: Accepted publickey for alice from 10.0.0.5 port 50000 ssh2: ED25519 SHA256:abc",
    );
    assert_eq!(
        (ok.event_type.as_str(), ok.username.as_deref()),
        ("auth.success", Some("alice"))
    );
    let inv =
        parse("Dec  2 10:16:01 web1 sshd[901]: Invalid user oracle from 203.0.113.9 port 40000");
    assert_eq!(
        (inv.event_type.as_str(), inv.username.as_deref()),
        ("ssh.invalid_user", Some("oracle"))
    );
    let gone = parse(
        "Dec  2 10:16:02 web1 sshd[901]: Disconnected from authenticating user root 203.0.113.9 port 40000 [preauth]",
    );
    assert_eq!(
        (gone.event_type.as_str(), gone.username.as_deref()),
        ("ssh.disconnected", Some("root"))
    );
    assert_eq!(gone.src_ip, "203.0.113.9");
    let closed = parse(
        "Dec  2 10:16:03 web1 sshd[902]: Connection closed by 203.0.113.10 port 40001 [preauth]",
    );
    assert_eq!(
        (closed.event_type.as_str(), closed.username.as_deref()),
        ("ssh.disconnected", None)
    );
    let bye = parse(
        "Dec  2 10:16:04 web1 sshd[903]: Received disconnect from 203.0.113.11 port 40002:11: Bye Bye [preauth]",
    );
    assert_eq!(bye.src_ip, "203.0.113.11");
}

#[test]
fn iso_stamps_and_sshd_session() {
    let e = parse(
        "2026-12-02T10:15:30.250+0000 web1 sshd-session[77]: Failed password for root from 203.0.113.7 port 22 ssh2",
    );
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30.250+00:00"
    );
    let e =
        parse("2026-12-02T11:15:30+01:00 web1 sshd[77]: Invalid user x from 203.0.113.7 port 22");
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30+00:00"
    );
}

#[test]
fn a_syslog_stamp_ahead_of_now_is_last_year() {
    let e = parse("Dec 31 23:59:59 web1 sshd[1]: Invalid user x from 203.0.113.7 port 22");
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2025-12-31T23:59:59+00:00"
    );
    let e = parse("Dec  3 01:00:00 web1 sshd[1]: Invalid user x from 203.0.113.7 port 22");
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-03T01:00:00+00:00",
        "within a day: clock skew"
    );
}

#[test]
fn other_lines_are_not_events() {
    let now = now();
    for line in [
        "",
        "Dec  2 10:15:30 web1 CRON[5]: (root) CMD (run-parts /etc/cron.hourly)",
        "Dec  2 10:15:30 web1 sshd[812]: Server listening on 0.0.0.0 port 22.",
        "Dec  2 10:15:30 web1 sshd[812]: pam_unix(sshd:session): session opened for user alice",
        "Dec 32 10:15:30 web1 sshd[812]: Invalid user x from 203.0.113.7 port 22",
        "garbage",
    ] {
        assert!(parse_sshd_line(line, now).is_err(), "{line:?}");
    }
    assert_eq!(
        parse_sshd_line(
            "Dec  2 10:15:30 web1 sshd[812]: Failed password for root from nowhere port 1 ssh2",
            now
        ),
        Err(ParseError::Missing("source address"))
    );
}
