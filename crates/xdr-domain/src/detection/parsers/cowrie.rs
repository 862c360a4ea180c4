//! cowrie's JSON log (`cowrie.json`): one object per line, `eventid` such as
//! `cowrie.login.failed`, `cowrie.login.success`, `cowrie.command.input`,
//! `cowrie.session.connect`. Attempted passwords are dropped from the stored record: an
//! analyst needs to know an attempt happened, not to keep credentials someone may have typed.

use serde_json::{Map, Value};

use super::ParseError;
use super::fields::{first_port, first_text, iso_time, raw_record, text};
use crate::detection::EventInput;

/// Where a cowrie record keeps the fields that have other names elsewhere.
#[derive(Debug, Clone, Copy)]
pub(super) struct CowrieKeys {
    /// The attacker's address: the first of these present.
    pub src_ip: &'static [&'static str],
    pub dst_port: &'static [&'static str],
}

impl CowrieKeys {
    /// cowrie's own names.
    pub const COWRIE: Self = Self {
        src_ip: &["src_ip"],
        dst_port: &["dst_port"],
    };
}

pub fn parse_cowrie_line(line: &str) -> Result<EventInput, ParseError> {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line.trim()) else {
        return Err(ParseError::NotJson);
    };
    parse_cowrie_object(object)
}

/// One record already read as JSON (a Splunk HEC envelope's `event`): not written back to
/// text and read again.
pub fn parse_cowrie_object(object: Map<String, Value>) -> Result<EventInput, ParseError> {
    parse_cowrie_record(object, CowrieKeys::COWRIE)
}

pub(super) fn parse_cowrie_record(
    object: Map<String, Value>,
    keys: CowrieKeys,
) -> Result<EventInput, ParseError> {
    let event_type = text(&object, "eventid").ok_or(ParseError::Missing("eventid"))?;
    if !event_type.starts_with("cowrie.") {
        return Err(ParseError::Unrecognized);
    }
    let event_type = event_type.to_owned();
    let src_ip = first_text(&object, keys.src_ip)
        .ok_or(ParseError::Missing("src_ip"))?
        .to_owned();
    let occurred_at = match text(&object, "timestamp") {
        // cowrie writes `+0000` rather than `Z` when it does not run in UTC.
        Some(t) => Some(iso_time(t).ok_or(ParseError::Malformed("timestamp"))?),
        None => None,
    };
    let message = if event_type == "cowrie.command.input" {
        text(&object, "input").or_else(|| text(&object, "message"))
    } else {
        text(&object, "message")
    }
    .map(str::to_owned);
    let input = EventInput {
        dst_ip: text(&object, "dst_ip").map(str::to_owned),
        dst_port: first_port(&object, keys.dst_port)?,
        hostname: text(&object, "sensor").map(str::to_owned),
        username: text(&object, "username").map(str::to_owned),
        message,
        occurred_at,
        event_type,
        src_ip,
        raw: None,
    };
    Ok(super::within_limits(EventInput {
        raw: Some(raw_record(object)),
        ..input
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const FAILED: &str = r#"{"eventid":"cowrie.login.failed","username":"root","password":"123456","message":"login attempt [root/123456] failed","sensor":"honeypot-1","timestamp":"2026-12-02T10:15:30.123456Z","src_ip":"203.0.113.7","session":"a1b2c3","dst_ip":"10.0.0.2","dst_port":2222,"src_port":51234}"#;

    #[test]
    fn a_failed_login() {
        let e = parse_cowrie_line(FAILED).unwrap();
        assert_eq!(e.event_type, "cowrie.login.failed");
        assert_eq!(e.src_ip, "203.0.113.7");
        assert_eq!(e.dst_ip.as_deref(), Some("10.0.0.2"));
        assert_eq!(e.dst_port, Some(2222));
        assert_eq!(e.username.as_deref(), Some("root"));
        assert_eq!(e.hostname.as_deref(), Some("honeypot-1"));
        assert_eq!(
            e.occurred_at.unwrap().to_rfc3339(),
            "2026-12-02T10:15:30.123456+00:00"
        );
        let raw = e.raw.unwrap();
        assert!(raw.contains("a1b2c3"));
        assert!(
            !raw.contains("\"password\""),
            "the attempted password is not kept"
        );
    }

    #[test]
    fn commands_sessions_and_string_ports() {
        let cmd = parse_cowrie_line(
            r#"{"eventid":"cowrie.command.input","input":"uname -a","src_ip":"203.0.113.7"}"#,
        )
        .unwrap();
        assert_eq!(cmd.message.as_deref(), Some("uname -a"));
        let connect = parse_cowrie_line(
            r#"{"eventid":"cowrie.session.connect","src_ip":"203.0.113.7","dst_port":"22"}"#,
        )
        .unwrap();
        assert_eq!(connect.dst_port, Some(22));
        assert_eq!(connect.occurred_at, None);
    }

    #[test]
    fn an_object_as_read_and_a_local_time_offset() {
        let object: Map<String, Value> = serde_json::from_str(FAILED).unwrap();
        assert_eq!(parse_cowrie_object(object), parse_cowrie_line(FAILED));
        let local = parse_cowrie_line(
            r#"{"eventid":"cowrie.session.connect","src_ip":"203.0.113.7","timestamp":"2026-12-02T11:15:30.5+0100"}"#,
        )
        .unwrap();
        assert_eq!(
            local.occurred_at.unwrap().to_rfc3339(),
            "2026-12-02T10:15:30.500+00:00"
        );
    }

    #[test]
    fn refuses_what_is_not_a_cowrie_event() {
        assert_eq!(parse_cowrie_line("not json"), Err(ParseError::NotJson));
        assert_eq!(parse_cowrie_line("[1,2]"), Err(ParseError::NotJson));
        assert_eq!(
            parse_cowrie_line(r#"{"src_ip":"1.2.3.4"}"#),
            Err(ParseError::Missing("eventid"))
        );
        assert_eq!(
            parse_cowrie_line(r#"{"eventid":"other.thing","src_ip":"1.2.3.4"}"#),
            Err(ParseError::Unrecognized)
        );
        assert_eq!(
            parse_cowrie_line(r#"{"eventid":"cowrie.login.failed"}"#),
            Err(ParseError::Missing("src_ip"))
        );
        assert_eq!(
            parse_cowrie_line(
                r#"{"eventid":"cowrie.login.failed","src_ip":"1.2.3.4","timestamp":"yesterday"}"#
            ),
            Err(ParseError::Malformed("timestamp"))
        );
        assert_eq!(
            parse_cowrie_line(
                r#"{"eventid":"cowrie.login.failed","src_ip":"1.2.3.4","dst_port":[22]}"#
            ),
            Err(ParseError::Malformed("dst_port"))
        );
    }
}
