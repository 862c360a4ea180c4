#![allow(clippy::unwrap_used)]

use chrono::Utc;
use serde_json::json;

use super::*;
use crate::OrganizationId;
use crate::detection::event::MAX_TEXT_LEN;
use crate::detection::validate_batch;

fn parse(source_type: LegacySourceType, event: &Value) -> Result<EventInput, ParseError> {
    parse_legacy_event(source_type, Some("legacy-host"), event)
}

fn assert_valid(events: &[EventInput]) {
    let stored = validate_batch(OrganizationId::generate(), events, Utc::now()).unwrap();
    assert_eq!(stored.len(), events.len());
}

#[test]
fn source_types_by_name() {
    for t in LegacySourceType::ALL {
        assert_eq!(t.as_str().parse::<LegacySourceType>(), Ok(t));
        assert_eq!(t.to_string(), t.as_str());
    }
    assert_eq!("Suricata".parse(), Ok(LegacySourceType::Suricata));
    assert_eq!(
        "windows".parse::<LegacySourceType>(),
        Err(UnknownValue("windows".into()))
    );
}

#[test]
fn cowrie_with_the_original_systems_names() {
    let e = parse(
        LegacySourceType::Cowrie,
        &json!({"eventid": "cowrie.login.failed", "srcip": "203.0.113.7", "peer_ip": "198.51.100.1",
                "dstport": "2222", "username": "root", "password": "hunter2"}),
    )
    .unwrap();
    assert_eq!(e.event_type, "cowrie.login.failed");
    assert_eq!(e.src_ip, "203.0.113.7", "the first present");
    assert_eq!(e.dst_port, Some(2222));
    assert_eq!(e.hostname.as_deref(), Some("legacy-host"));
    let raw = e.raw.clone().unwrap();
    assert!(raw.contains("srcip") && !raw.contains("hunter2"));
    let peer = parse(
        LegacySourceType::Cowrie,
        &json!({"eventid": "cowrie.session.connect", "peer_ip": "198.51.100.1", "sensor": "own"}),
    )
    .unwrap();
    assert_eq!(peer.src_ip, "198.51.100.1");
    assert_eq!(
        peer.hostname.as_deref(),
        Some("own"),
        "the event's own host"
    );
    assert_eq!(
        parse(LegacySourceType::Cowrie, &json!({"eventid": "cowrie.x"})),
        Err(ParseError::Missing("src_ip"))
    );
    assert_valid(&[e, peer]);
}

#[test]
fn suricata_eve() {
    let e = parse(
        LegacySourceType::Suricata,
        &json!({"timestamp": "2026-12-02T10:15:30.123456+0000", "event_type": "alert",
                "src_ip": "203.0.113.7", "src_port": 51234, "dest_ip": "10.0.0.2", "dest_port": 22,
                "proto": "TCP", "alert": {"signature": "ET SCAN Potential SSH Scan", "severity": 2}}),
    )
    .unwrap();
    assert_eq!(e.event_type, "suricata.alert");
    assert_eq!(e.src_ip, "203.0.113.7");
    assert_eq!(e.dst_ip.as_deref(), Some("10.0.0.2"));
    assert_eq!(e.dst_port, Some(22));
    assert_eq!(e.message.as_deref(), Some("ET SCAN Potential SSH Scan"));
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2026-12-02T10:15:30.123456+00:00"
    );
    let flow = parse(
        LegacySourceType::Suricata,
        &json!({"event_type": "flow", "src_ip": "203.0.113.7", "host": "sensor-2"}),
    )
    .unwrap();
    assert_eq!(
        (
            flow.event_type.as_str(),
            flow.message.as_deref(),
            flow.hostname.as_deref()
        ),
        ("suricata.flow", None, Some("sensor-2"))
    );
    assert_eq!(
        parse(
            LegacySourceType::Suricata,
            &json!({"src_ip": "203.0.113.7"})
        ),
        Err(ParseError::Missing("event_type"))
    );
    assert_valid(&[e, flow]);
}

#[test]
fn zeek_logs() {
    let conn = parse(
        LegacySourceType::Zeek,
        &json!({"ts": 1_733_134_530.5, "uid": "C1", "id.orig_h": "203.0.113.7", "id.orig_p": 51234,
                "id.resp_h": "10.0.0.2", "id.resp_p": 22, "proto": "tcp"}),
    )
    .unwrap();
    assert_eq!(conn.event_type, "zeek.conn");
    assert_eq!(conn.src_ip, "203.0.113.7");
    assert_eq!(conn.dst_ip.as_deref(), Some("10.0.0.2"));
    assert_eq!(conn.dst_port, Some(22));
    assert_eq!(
        conn.occurred_at.unwrap().to_rfc3339(),
        "2024-12-02T10:15:30.500+00:00"
    );
    let ssh = parse(
        LegacySourceType::Zeek,
        &json!({"_path": "ssh", "ts": "2024-12-02T10:15:30Z",
                "id": {"orig_h": "203.0.113.8", "resp_h": "10.0.0.2", "resp_p": "22"}}),
    )
    .unwrap();
    assert_eq!(
        (ssh.event_type.as_str(), ssh.src_ip.as_str(), ssh.dst_port),
        ("zeek.ssh", "203.0.113.8", Some(22))
    );
    let notice = parse(
        LegacySourceType::Zeek,
        &json!({"log_type": "notice/scan", "id.orig_h": "203.0.113.9", "msg": "port scan"}),
    )
    .unwrap();
    assert_eq!(notice.event_type, "zeek.notice_scan");
    assert_eq!(notice.message.as_deref(), Some("port scan"));
    assert_eq!(
        parse(LegacySourceType::Zeek, &json!({"id.orig_h": "-"})),
        Err(ParseError::Malformed("src_ip"))
    );
    assert_valid(&[conn, ssh, notice]);
}

#[test]
fn osquery_results() {
    let e = parse(
        LegacySourceType::Osquery,
        &json!({"name": "pack_incident-response_process_open_sockets", "hostIdentifier": "db-1",
                "unixTime": 1_733_134_530, "action": "added",
                "columns": {"remote_address": "203.0.113.7", "remote_port": "4444", "pid": "812"}}),
    )
    .unwrap();
    assert_eq!(
        e.event_type,
        "osquery.pack_incident-response_process_open_sockets"
    );
    assert_eq!(e.src_ip, "203.0.113.7");
    assert_eq!(e.hostname.as_deref(), Some("db-1"));
    assert_eq!(
        e.occurred_at.unwrap().to_rfc3339(),
        "2024-12-02T10:15:30+00:00"
    );
    let top = parse(
        LegacySourceType::Osquery,
        &json!({"name": "pack/ops/logins", "host_ip": "198.51.100.2", "unixTime": "1733134530",
                "columns": {"remote_address": "203.0.113.7"}}),
    )
    .unwrap();
    assert_eq!(top.src_ip, "198.51.100.2", "top-level fields first");
    assert_eq!(top.event_type, "osquery.pack_ops_logins");
    assert_eq!(top.hostname.as_deref(), Some("legacy-host"));
    let long = parse(
        LegacySourceType::Osquery,
        &json!({"name": "n".repeat(500), "host_ip": "198.51.100.2"}),
    )
    .unwrap();
    assert_eq!(long.event_type.len(), MAX_EVENT_TYPE_CHARS);
    assert_eq!(
        parse(
            LegacySourceType::Osquery,
            &json!({"name": "x", "columns": {}})
        ),
        Err(ParseError::Missing("src_ip"))
    );
    assert_valid(&[e, top, long]);
}

#[test]
fn syslog_finds_the_first_ipv4_address() {
    let e = parse(
        LegacySourceType::Syslog,
        &json!({"message": "OpenSSH_9.6p1 1.2.3 999.1.1.1 v10.0.0.1 from 203.0.113.7 port 22", "host": "fw"}),
    )
    .unwrap();
    assert_eq!(e.event_type, "syslog");
    assert_eq!(e.src_ip, "203.0.113.7");
    assert_eq!(e.hostname.as_deref(), Some("fw"));
    let line = parse(
        LegacySourceType::Syslog,
        &json!("kernel: DROP IN=eth0 SRC=198.51.100.23 DST=10.0.0.2"),
    )
    .unwrap();
    assert_eq!(line.src_ip, "198.51.100.23");
    assert_eq!(
        line.message.as_deref(),
        Some("kernel: DROP IN=eth0 SRC=198.51.100.23 DST=10.0.0.2")
    );
    assert_eq!(line.hostname.as_deref(), Some("legacy-host"));
    assert_eq!(
        parse(
            LegacySourceType::Syslog,
            &json!({"message": "version 1.2.3 only"})
        ),
        Err(ParseError::Missing("source address"))
    );
    assert_eq!(
        parse(LegacySourceType::Syslog, &json!({"msg": "x"})),
        Err(ParseError::Missing("message"))
    );
    assert_valid(&[e, line]);
}

#[test]
fn ipv4_extraction() {
    let ip = |s: &str| first_ipv4(s).map(|a| a.to_string());
    assert_eq!(ip("1.2.3.4"), Some("1.2.3.4".into()));
    assert_eq!(
        ip("at 10.0.0.1."),
        Some("10.0.0.1".into()),
        "the end of a sentence"
    );
    assert_eq!(ip("[203.0.113.7]:22"), Some("203.0.113.7".into()));
    assert_eq!(ip("1.2.3.4.5 then 5.6.7.8"), Some("5.6.7.8".into()));
    assert_eq!(ip("é1.2.3.4 and ü 8.8.8.8"), Some("8.8.8.8".into()));
    for none in [
        "",
        "1.2.3",
        "999.1.1.1",
        "1.2.3.256",
        "host1.2.3.4",
        "1.2.3.4x",
        "...",
        "1..2.3.4",
    ] {
        assert_eq!(ip(none), None, "{none}");
    }
    let hostile = "1.".repeat(100_000);
    assert_eq!(ip(&hostile), None);
}

#[test]
fn custom_is_our_own_shape() {
    let e = parse(
        LegacySourceType::Custom,
        &json!({"event_type": "custom.alert", "src_ip": "203.0.113.7", "dst_port": 443,
                "username": "u".repeat(1000)}),
    )
    .unwrap();
    assert_eq!(e.event_type, "custom.alert");
    assert_eq!(e.hostname.as_deref(), Some("legacy-host"));
    assert_eq!(e.username.as_ref().unwrap().chars().count(), MAX_TEXT_LEN);
    assert_eq!(
        parse(LegacySourceType::Custom, &json!({"src_ip": "203.0.113.7"})),
        Err(ParseError::Missing("event_type"))
    );
    assert_valid(&[e]);
}

#[test]
fn what_is_not_an_object_is_refused() {
    for t in [
        LegacySourceType::Cowrie,
        LegacySourceType::Suricata,
        LegacySourceType::Zeek,
        LegacySourceType::Osquery,
        LegacySourceType::Custom,
    ] {
        assert_eq!(parse(t, &json!("text")), Err(ParseError::NotJson), "{t}");
        assert_eq!(parse(t, &json!([1])), Err(ParseError::NotJson), "{t}");
    }
    assert_eq!(
        parse(LegacySourceType::Syslog, &json!(5)),
        Err(ParseError::NotJson)
    );
    assert_eq!(
        parse_legacy_event(LegacySourceType::Syslog, None, &json!("from 203.0.113.7"))
            .unwrap()
            .hostname,
        None
    );
}
