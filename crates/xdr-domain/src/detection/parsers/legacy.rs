//! The original system's `POST /ingest/multi` body, `{"source_type", "hostname", "events"}`,
//! with the field maps it applied per source type, so that its senders keep working unchanged:
//!
//! | source type | event type                          | src_ip                                 | dst_ip      | dst_port             | message           |
//! |-------------|-------------------------------------|----------------------------------------|-------------|----------------------|-------------------|
//! | `cowrie`    | `eventid`                           | `src_ip`, `srcip`, `peer_ip`           | `dst_ip`    | `dst_port`, `dstport`| cowrie's          |
//! | `suricata`  | `suricata.<event_type>`             | `src_ip`                               | `dest_ip`   | `dest_port`          | `alert.signature` |
//! | `zeek`      | `zeek.<_path, log_type or "conn">`  | `id.orig_h`                            | `id.resp_h` | `id.resp_p`          | `msg`             |
//! | `osquery`   | `osquery.<name>`                    | `host_ip`, `remote_address` (`columns`)| —           | —                    | —                 |
//! | `syslog`    | `syslog`                            | the first IPv4 address in `message`    | —           | —                    | `message`         |
//! | `custom`    | our own event shape ([`super::parse_generic_object`]) | | | | |
//!
//! The host is cowrie's `sensor`, EVE's `host`, osquery's `hostIdentifier`, a syslog object's
//! `hostname` or `host`; the time cowrie's, EVE's or a syslog object's `timestamp`, Zeek's `ts`,
//! osquery's `unixTime` (epoch seconds or ISO stamps).
//!
//! Names built from the sender's data are made into valid event types (other characters become
//! `_`, cut at 64): a Zeek `_path` or an osquery pack name must not make `validate_batch` refuse
//! the batch. The request's `hostname` names the host of an event that names none. Each event
//! keeps its record as `raw`, without an attempted `password`.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::ParseError;
use super::cowrie::{CowrieKeys, parse_cowrie_record};
use super::fields::{first_text, ip, port, port_value, raw_record, text, time_field};
use super::generic::parse_generic_object;
use crate::detection::{EventInput, UnknownValue};

/// `validate_batch`'s limit on an event type's length.
const MAX_EVENT_TYPE_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegacySourceType {
    Cowrie,
    Suricata,
    Zeek,
    Osquery,
    Syslog,
    Custom,
}

impl LegacySourceType {
    pub const ALL: [LegacySourceType; 6] = [
        Self::Cowrie,
        Self::Suricata,
        Self::Zeek,
        Self::Osquery,
        Self::Syslog,
        Self::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cowrie => "cowrie",
            Self::Suricata => "suricata",
            Self::Zeek => "zeek",
            Self::Osquery => "osquery",
            Self::Syslog => "syslog",
            Self::Custom => "custom",
        }
    }
}

impl FromStr for LegacySourceType {
    type Err = UnknownValue;

    /// Without regard to ASCII case: the original system's senders were not consistent.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

impl fmt::Display for LegacySourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// cowrie's names as the original system took them.
const LEGACY_COWRIE: CowrieKeys = CowrieKeys {
    src_ip: &["src_ip", "srcip", "peer_ip"],
    dst_port: &["dst_port", "dstport"],
};

/// `<prefix>.<name>` as a valid event type.
fn event_type(prefix: &str, name: &str) -> String {
    format!("{prefix}.{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(MAX_EVENT_TYPE_CHARS)
        .collect()
}

fn source(text: Option<&str>) -> Result<String, ParseError> {
    ip(text.ok_or(ParseError::Missing("src_ip"))?, "src_ip")
}

fn optional_ip(text: Option<&str>, field: &'static str) -> Result<Option<String>, ParseError> {
    text.map(|a| ip(a, field)).transpose()
}

/// The first IPv4 address in a text: four dot-separated decimal octets of at most 255, not
/// part of a longer run of digits and dots (a version `1.2.3.4.5`) nor glued to a word.
fn first_ipv4(text: &str) -> Option<Ipv4Addr> {
    let is_part = |c: char| c.is_ascii_digit() || c == '.';
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        // A run ends before a character that is not part of one: what precedes the next run
        // is always in `rest`.
        let preceding = rest[..start].chars().next_back();
        let run_len = rest[start..]
            .find(|c| !is_part(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        let glued = preceding.is_some_and(|c| c.is_alphanumeric() || c == '.')
            || rest[start + run_len..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
        // A sentence may end right after the address.
        if let (false, Ok(address)) = (glued, run.trim_end_matches('.').parse::<Ipv4Addr>()) {
            return Some(address);
        }
        rest = &rest[start + run_len..];
    }
    None
}

fn cowrie(object: &Map<String, Value>) -> Result<EventInput, ParseError> {
    parse_cowrie_record(object.clone(), LEGACY_COWRIE)
}

fn suricata(object: &Map<String, Value>) -> Result<EventInput, ParseError> {
    let kind = text(object, "event_type").ok_or(ParseError::Missing("event_type"))?;
    let signature = object
        .get("alert")
        .and_then(Value::as_object)
        .and_then(|alert| text(alert, "signature"));
    Ok(EventInput {
        event_type: event_type("suricata", kind),
        src_ip: source(text(object, "src_ip"))?,
        dst_ip: optional_ip(text(object, "dest_ip"), "dest_ip")?,
        dst_port: port(object, "dest_port")?,
        // EVE's `host` is the sensor's name.
        hostname: text(object, "host").map(str::to_owned),
        username: None,
        message: signature.map(str::to_owned),
        raw: Some(raw_record(object.clone())),
        occurred_at: time_field(object, "timestamp")?,
    })
}

/// A Zeek `id.*` field, flattened as Zeek's JSON writes it or nested as some shippers do.
fn zeek_id<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    object.get(&format!("id.{field}")).or_else(|| {
        object
            .get("id")
            .and_then(Value::as_object)
            .and_then(|id| id.get(field))
    })
}

fn zeek(object: &Map<String, Value>) -> Result<EventInput, ParseError> {
    let log = first_text(object, &["_path", "log_type"]).unwrap_or("conn");
    let zeek_text = |field| zeek_id(object, field).and_then(Value::as_str);
    Ok(EventInput {
        event_type: event_type("zeek", log),
        src_ip: source(zeek_text("orig_h").filter(|s| !s.is_empty()))?,
        dst_ip: optional_ip(zeek_text("resp_h").filter(|s| !s.is_empty()), "id.resp_h")?,
        dst_port: port_value(zeek_id(object, "resp_p"), "id.resp_p")?,
        hostname: None,
        username: None,
        message: text(object, "msg").map(str::to_owned),
        raw: Some(raw_record(object.clone())),
        occurred_at: time_field(object, "ts")?,
    })
}

fn osquery(object: &Map<String, Value>) -> Result<EventInput, ParseError> {
    let name = text(object, "name").ok_or(ParseError::Missing("name"))?;
    let columns = object.get("columns").and_then(Value::as_object);
    let fields = ["host_ip", "remote_address"];
    let src = first_text(object, &fields).or_else(|| columns.and_then(|c| first_text(c, &fields)));
    Ok(EventInput {
        event_type: event_type("osquery", name),
        src_ip: source(src)?,
        dst_ip: None,
        dst_port: None,
        hostname: text(object, "hostIdentifier").map(str::to_owned),
        username: None,
        message: None,
        raw: Some(raw_record(object.clone())),
        occurred_at: time_field(object, "unixTime")?,
    })
}

/// A syslog event: a line of text, or an object with its `message`.
fn syslog(event: &Value) -> Result<EventInput, ParseError> {
    let (message, object) = match event {
        Value::String(line) => (line.as_str(), None),
        Value::Object(object) => (
            text(object, "message").ok_or(ParseError::Missing("message"))?,
            Some(object),
        ),
        _ => return Err(ParseError::NotJson),
    };
    let src_ip = first_ipv4(message).ok_or(ParseError::Missing("source address"))?;
    Ok(EventInput {
        event_type: "syslog".to_owned(),
        src_ip: src_ip.to_string(),
        dst_ip: None,
        dst_port: None,
        hostname: object
            .and_then(|o| first_text(o, &["hostname", "host"]))
            .map(str::to_owned),
        username: None,
        message: Some(message.to_owned()),
        raw: Some(match object {
            Some(object) => raw_record(object.clone()),
            None => serde_json::json!({ "line": message }).to_string(),
        }),
        occurred_at: object.map_or(Ok(None), |o| time_field(o, "timestamp"))?,
    })
}

/// One event of an `/ingest/multi` body; `hostname` is the body's.
pub fn parse_legacy_event(
    source_type: LegacySourceType,
    hostname: Option<&str>,
    event: &Value,
) -> Result<EventInput, ParseError> {
    let mut parsed = match (source_type, event) {
        (LegacySourceType::Syslog, event) => syslog(event)?,
        (_, Value::Object(object)) => match source_type {
            LegacySourceType::Cowrie => cowrie(object)?,
            LegacySourceType::Suricata => suricata(object)?,
            LegacySourceType::Zeek => zeek(object)?,
            LegacySourceType::Osquery => osquery(object)?,
            LegacySourceType::Custom | LegacySourceType::Syslog => {
                parse_generic_object(object.clone())?
            }
        },
        (_, _) => return Err(ParseError::NotJson),
    };
    parsed.hostname = parsed
        .hostname
        .or_else(|| hostname.filter(|h| !h.trim().is_empty()).map(str::to_owned));
    Ok(super::within_limits(parsed))
}

#[cfg(test)]
#[path = "legacy_tests.rs"]
mod tests;
