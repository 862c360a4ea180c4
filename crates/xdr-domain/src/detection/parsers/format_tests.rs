#![allow(clippy::unwrap_used)]

use super::*;
use crate::OrganizationId;
use crate::detection::event::{MAX_MESSAGE_LEN, MAX_TEXT_LEN};
use crate::detection::parsers::{split_hec_events, split_hec_raw};
use crate::detection::validate_batch;

const MAX: usize = 100;

fn now() -> DateTime<Utc> {
    "2026-12-02T12:00:00Z".parse().unwrap()
}

fn context(log_source: LogSourceType) -> HecContext<'static> {
    HecContext {
        log_source,
        sourcetype: None,
        host: None,
        received_at: now(),
    }
}

fn parse_all(body: &str, context: &HecContext<'_>) -> Vec<Result<EventInput, ParseError>> {
    split_hec_events(body, MAX)
        .unwrap()
        .into_iter()
        .map(|e| parse_hec_event(e, context))
        .collect()
}

fn one(body: &str, context: &HecContext<'_>) -> Result<EventInput, ParseError> {
    parse_all(body, context).remove(0)
}

fn assert_valid(events: &[EventInput]) {
    let stored = validate_batch(OrganizationId::generate(), events, now()).unwrap();
    assert_eq!(stored.len(), events.len());
}

/// What cowrie's `output_splunk` (cowrie 3.1.4, `cowrie/output/splunk.py`) posts: `index`,
/// `source`, `sourcetype` (all three `cowrie` by default), `host` (the sensor's name), and the
/// event dict as cowrie's dispatcher enriched it (`sensor`, `uuid`, epoch `time`, `timestamp`
/// with `%z` when cowrie does not run in UTC); no envelope `time`.
const COWRIE_SPLUNK: &str = r#"{"index": "cowrie", "source": "cowrie", "sourcetype": "cowrie", "host": "honeypot-1", "event": {"eventid": "cowrie.login.failed", "username": "root", "password": "123456", "message": "login attempt [root/123456] failed", "src_ip": "203.0.113.7", "session": "a1b2c3", "protocol": "ssh", "sensor": "honeypot-1", "uuid": "6a0e", "time": 1796206530.123456, "timestamp": "2026-12-02T10:15:30.123456+0000"}}"#;

#[test]
fn cowrie_splunk_output_as_it_posts() {
    let e = one(COWRIE_SPLUNK, &context(LogSourceType::Custom)).unwrap();
    assert_eq!(e.event_type, "cowrie.login.failed");
    assert_eq!(e.src_ip, "203.0.113.7");
    assert_eq!(e.username.as_deref(), Some("root"));
    assert_eq!(e.hostname.as_deref(), Some("honeypot-1"));
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30.123456+00:00"
    );
    assert!(!e.raw.as_ref().unwrap().contains("\"password\""));
    assert_valid(&[e]);
}

#[test]
fn a_cowrie_event_given_as_text_is_a_json_line() {
    let body = r#"{"sourcetype":"cowrie:json","host":"h2","time":"1796206530","event":"{\"eventid\":\"cowrie.command.input\",\"input\":\"uname -a\",\"src_ip\":\"203.0.113.7\"}"}"#;
    let e = one(body, &context(LogSourceType::Custom)).unwrap();
    assert_eq!(e.message.as_deref(), Some("uname -a"));
    assert_eq!(e.hostname.as_deref(), Some("h2"), "the envelope's host");
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30+00:00",
        "the envelope's time"
    );
    let not_json = r#"{"sourcetype":"cowrie","event":"login failed"}"#;
    assert_eq!(
        one(not_json, &context(LogSourceType::Cowrie)),
        Err(ParseError::NotJson)
    );
}

#[test]
fn sshd_lines_as_events() {
    let body = r#"{"sourcetype":"linux_secure","event":"Dec  2 10:15:30 web1 sshd[812]: Failed password for root from 203.0.113.7 port 51234 ssh2"}
{"sourcetype":"sshd","host":"envelope-host","event":{"line":"x"}}"#;
    let results = parse_all(body, &context(LogSourceType::Cowrie));
    let e = results[0].clone().unwrap();
    assert_eq!(e.event_type, "auth.failed");
    assert_eq!(e.hostname.as_deref(), Some("web1"), "the line's host first");
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30+00:00",
        "the year of reception"
    );
    assert_eq!(results[1], Err(ParseError::Missing("event")));
}

#[test]
fn generic_events_take_the_envelopes_host_and_time() {
    let body = r#"{"host":"edge-1","time":1796206530.25,"event":{"event_type":"scan.port","src_ip":"198.51.100.4","dst_port":"8080"}}
{"host":"edge-1","time":1796206530,"event":{"event_type":"scan.port","src_ip":"198.51.100.4","hostname":"own","occurred_at":"2026-12-02T09:00:00Z"}}
{"time":"tomorrow","event":{"event_type":"scan.port","src_ip":"198.51.100.4"}}
{"event":{"event_type":"scan.port"}}"#;
    let results = parse_all(body, &context(LogSourceType::Zeek));
    let first = results[0].clone().unwrap();
    assert_eq!(first.hostname.as_deref(), Some("edge-1"));
    assert_eq!(first.dst_port, Some(8080));
    assert_eq!(
        first.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30.250+00:00"
    );
    let second = results[1].clone().unwrap();
    assert_eq!(second.hostname.as_deref(), Some("own"), "the event's own");
    assert_eq!(
        second.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T09:00:00+00:00"
    );
    assert_eq!(results[2], Err(ParseError::Malformed("time")));
    assert_eq!(results[3], Err(ParseError::Missing("src_ip")));
    assert_valid(&[first, second]);
}

#[test]
fn the_sourcetype_wins_over_the_log_source_type() {
    let cowrie = r#"{"eventid":"cowrie.session.connect","src_ip":"203.0.113.7"}"#;
    let generic = r#"{"event_type":"x","src_ip":"203.0.113.7"}"#;
    let with = |st: &str, event: &str| format!(r#"{{"sourcetype":"{st}","event":{event}}}"#);
    let syslog = context(LogSourceType::Syslog);
    assert!(one(&with("COWRIE", cowrie), &syslog).is_ok());
    assert!(one(&with("mini-xdr", generic), &context(LogSourceType::Cowrie)).is_ok());
    // `_json` looks at the record.
    assert!(one(&with("_json", cowrie), &syslog).is_ok());
    assert!(one(&with("_json", generic), &context(LogSourceType::Cowrie)).is_ok());
    // An unknown sourcetype, or none, leaves it to the log source's type.
    assert_eq!(
        one(
            &with("access_combined", generic),
            &context(LogSourceType::Cowrie)
        ),
        Err(ParseError::Missing("eventid"))
    );
    assert_eq!(
        one(&format!(r#"{{"event":{cowrie}}}"#), &syslog),
        Err(ParseError::Missing("event"))
    );
    // The request's `?sourcetype=` comes between the two.
    let request = HecContext {
        sourcetype: Some("cowrie"),
        ..syslog
    };
    assert!(one(&format!(r#"{{"event":{cowrie}}}"#), &request).is_ok());
    assert!(one(&with("xdr", generic), &request).is_ok());
}

#[test]
fn the_mapping_tables() {
    assert_eq!(
        LogSourceType::ALL.map(SourceFormat::for_log_source),
        [
            SourceFormat::Cowrie,
            SourceFormat::Sshd,
            SourceFormat::Generic,
            SourceFormat::Generic,
            SourceFormat::Generic,
            SourceFormat::Generic,
        ]
    );
    let of = SourceFormat::for_sourcetype;
    for st in ["cowrie", "cowrie:json", "Cowrie_JSON", " cowrie "] {
        assert_eq!(of(st), Some(SourceFormat::Cowrie), "{st}");
    }
    for st in ["sshd", "linux_secure", "syslog", "linux_messages_syslog"] {
        assert_eq!(of(st), Some(SourceFormat::Sshd), "{st}");
    }
    for st in ["_json", "json", "cowriex", "access_combined", ""] {
        assert_eq!(of(st), None, "{st}");
    }
    assert_eq!(of("mini-xdr"), Some(SourceFormat::Generic));
}

#[test]
fn raw_lines_by_log_source_type() {
    let body = "Dec  2 10:15:30 web1 sshd[1]: Invalid user x from 203.0.113.7 port 22\r\n\r\nDec  2 10:15:31 web1 CRON[2]: hi\r\n";
    let syslog = context(LogSourceType::Syslog);
    let results: Vec<_> = split_hec_raw(body, MAX)
        .unwrap()
        .into_iter()
        .map(|l| parse_hec_raw_line(l, &syslog))
        .collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().event_type, "ssh.invalid_user");
    assert_eq!(results[1], Err(ParseError::Unrecognized));
    let request = HecContext {
        host: Some("from-query"),
        ..context(LogSourceType::Cowrie)
    };
    let e = parse_hec_raw_line(
        r#"{"eventid":"cowrie.session.connect","src_ip":"203.0.113.7"}"#,
        &request,
    )
    .unwrap();
    assert_eq!(e.hostname.as_deref(), Some("from-query"));
    assert_eq!(
        parse_hec_raw_line("not json", &request),
        Err(ParseError::NotJson)
    );
}

#[test]
fn hostile_values_are_cut_and_still_valid() {
    let long = "h".repeat(100_000);
    let body = format!(
        r#"{{"host":"{long}","event":{{"event_type":"x","src_ip":"203.0.113.7","message":"{long}","raw":"{long}"}}}}"#
    );
    let e = one(&body, &context(LogSourceType::Custom)).unwrap();
    assert_eq!(e.hostname.as_ref().unwrap().chars().count(), MAX_TEXT_LEN);
    assert_eq!(e.message.as_ref().unwrap().chars().count(), MAX_MESSAGE_LEN);
    assert_eq!(e.raw, None, "a raw record over its limit is left out");
    let request = HecContext {
        host: Some(&long),
        ..context(LogSourceType::Syslog)
    };
    let line = format!(
        "Dec  2 10:15:30 web1 sshd[1]: Invalid user {long} from 203.0.113.7 port 22 {long}"
    );
    let sshd = parse_hec_raw_line(&line, &request).unwrap();
    let cowrie = one(
        &format!(
            r#"{{"host":"{long}","event":{{"eventid":"cowrie.command.input","src_ip":"203.0.113.7","input":"{long}"}}}}"#
        ),
        &HecContext {
            host: Some(&long),
            ..context(LogSourceType::Cowrie)
        },
    )
    .unwrap();
    assert_eq!(
        cowrie.hostname.as_ref().unwrap().chars().count(),
        MAX_TEXT_LEN
    );
    assert_valid(&[e, sshd, cowrie]);
}
