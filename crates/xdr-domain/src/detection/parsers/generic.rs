//! Our own event shape, as `POST /events` takes it (`event_type`, `src_ip`, `dst_ip`,
//! `dst_port`, `hostname`, `username`, `message`, `raw`, `occurred_at`), for senders that write
//! it themselves: a HEC event of no known format, the original system's `custom` source type.
//! Unknown fields are kept in `raw` rather than refused, since these records come from
//! forwarders that add their own. Without a `raw` of its own, the record itself is `raw`.

use serde_json::{Map, Value};

use super::ParseError;
use super::fields::{ip, port, raw_record, strict_text, text, time_field};
use crate::detection::EventInput;

pub fn parse_generic_line(line: &str) -> Result<EventInput, ParseError> {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line.trim()) else {
        return Err(ParseError::NotJson);
    };
    parse_generic_object(object)
}

pub fn parse_generic_object(mut object: Map<String, Value>) -> Result<EventInput, ParseError> {
    let event_type = text(&object, "event_type")
        .ok_or(ParseError::Missing("event_type"))?
        .to_owned();
    let src_ip = ip(
        text(&object, "src_ip").ok_or(ParseError::Missing("src_ip"))?,
        "src_ip",
    )?;
    let dst_ip = strict_text(&object, "dst_ip")?
        .map(|a| ip(&a, "dst_ip"))
        .transpose()?;
    let input = EventInput {
        event_type,
        src_ip,
        dst_ip,
        dst_port: port(&object, "dst_port")?,
        hostname: strict_text(&object, "hostname")?,
        username: strict_text(&object, "username")?,
        message: strict_text(&object, "message")?,
        occurred_at: time_field(&object, "occurred_at")?,
        raw: None,
    };
    let raw = match object.remove("raw") {
        None | Some(Value::Null) => raw_record(object),
        Some(Value::Object(raw)) => raw_record(raw),
        Some(raw) => raw.to_string(),
    };
    Ok(super::within_limits(EventInput {
        raw: Some(raw),
        ..input
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn our_own_shape() {
        let e = parse_generic_line(
            r#"{"event_type":"auth.failed","src_ip":"203.0.113.7","dst_ip":"10.0.0.2","dst_port":22,"hostname":"web1","username":"root","message":"bad password","occurred_at":"2026-12-02T10:15:30Z","raw":{"line":"x","password":"hunter2"}}"#,
        )
        .unwrap();
        assert_eq!(e.event_type, "auth.failed");
        assert_eq!(e.src_ip, "203.0.113.7");
        assert_eq!(e.dst_ip.as_deref(), Some("10.0.0.2"));
        assert_eq!(e.dst_port, Some(22));
        assert_eq!(e.hostname.as_deref(), Some("web1"));
        assert_eq!(e.username.as_deref(), Some("root"));
        assert_eq!(e.message.as_deref(), Some("bad password"));
        assert_eq!(
            e.occurred_at.unwrap().to_rfc3339(),
            "2026-12-02T10:15:30+00:00"
        );
        assert_eq!(e.raw.as_deref(), Some(r#"{"line":"x"}"#));
    }

    #[test]
    fn without_raw_the_record_is_raw() {
        let e = parse_generic_line(
            r#"{"event_type":"scan","src_ip":"203.0.113.7","forwarder":"fluent-bit","password":"p"}"#,
        )
        .unwrap();
        let raw = e.raw.unwrap();
        assert!(raw.contains("fluent-bit"));
        assert!(!raw.contains("password"));
        assert_eq!(e.occurred_at, None);
    }

    #[test]
    fn refuses_what_post_events_would() {
        let bad = |json: &str| parse_generic_line(json).unwrap_err();
        assert_eq!(bad("nope"), ParseError::NotJson);
        assert_eq!(
            bad(r#"{"src_ip":"1.2.3.4"}"#),
            ParseError::Missing("event_type")
        );
        assert_eq!(bad(r#"{"event_type":"x"}"#), ParseError::Missing("src_ip"));
        assert_eq!(
            bad(r#"{"event_type":"x","src_ip":"999.1.1.1"}"#),
            ParseError::Malformed("src_ip")
        );
        assert_eq!(
            bad(r#"{"event_type":"x","src_ip":"1.2.3.4","dst_ip":"host"}"#),
            ParseError::Malformed("dst_ip")
        );
        assert_eq!(
            bad(r#"{"event_type":"x","src_ip":"1.2.3.4","hostname":7}"#),
            ParseError::Malformed("hostname")
        );
        assert_eq!(
            bad(r#"{"event_type":"x","src_ip":"1.2.3.4","occurred_at":"soon"}"#),
            ParseError::Malformed("occurred_at")
        );
    }
}
