//! Reading the fields of a JSON record the same way in every parser: an empty string counts as
//! absent, a port may come as a number or as text, and a time as an RFC 3339 / ISO stamp or as
//! epoch seconds. One place for it, so that cowrie's log, a Splunk HEC envelope and the original
//! system's source types never disagree about what a field holds.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::ParseError;

/// Epoch seconds with more digits than this are not a time (a millisecond stamp given as
/// seconds, garbage); it also keeps the integer parse far from `i64`'s limits.
const MAX_EPOCH_DIGITS: usize = 12;
/// Sub-second digits beyond nanoseconds are dropped.
const NANO_DIGITS: usize = 9;

/// A text field; empty text is absent.
pub(super) fn text<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    object
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The first of several names of one field that holds text.
pub(super) fn first_text<'a>(object: &'a Map<String, Value>, fields: &[&str]) -> Option<&'a str> {
    fields.iter().find_map(|f| text(object, f))
}

/// An optional text field that, when present, must be text: our own event shape is as strict
/// as `POST /events`.
pub(super) fn strict_text(
    object: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<String>, ParseError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
        Some(_) => Err(ParseError::Malformed(field)),
    }
}

/// A port as a number or as text (cowrie writes both).
pub(super) fn port(
    object: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<i64>, ParseError> {
    port_value(object.get(field), field)
}

/// [`port`] of a value found elsewhere than under its own name.
pub(super) fn port_value(
    value: Option<&Value>,
    field: &'static str,
) -> Result<Option<i64>, ParseError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or(ParseError::Malformed(field)),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| ParseError::Malformed(field)),
        Some(_) => Err(ParseError::Malformed(field)),
    }
}

/// The first present of several names of one port field.
pub(super) fn first_port(
    object: &Map<String, Value>,
    fields: &[&'static str],
) -> Result<Option<i64>, ParseError> {
    for field in fields {
        if let Some(p) = port(object, field)? {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// An address given as text must be an address: refused here, the event fails alone instead of
/// making `validate_batch` refuse the whole batch it travels in.
pub(super) fn ip(text: &str, field: &'static str) -> Result<String, ParseError> {
    text.trim()
        .parse::<IpAddr>()
        .map(|a| a.to_string())
        .map_err(|_| ParseError::Malformed(field))
}

/// RFC 3339, or ISO 8601 with a `+0000` offset as Python's `%z` (cowrie outside UTC,
/// Suricata, `journalctl -o short-iso`) writes it.
pub(super) fn iso_time(stamp: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stamp)
        .or_else(|_| DateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Non-negative epoch seconds in decimal text (`1733134530`, `1733134530.123456`), read
/// exactly: no float rounding of the sub-second part.
fn epoch_text(stamp: &str) -> Option<DateTime<Utc>> {
    let stamp = stamp.trim();
    let (secs, fraction) = stamp.split_once('.').unwrap_or((stamp, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if secs.is_empty() || secs.len() > MAX_EPOCH_DIGITS || !digits(secs) || !digits(fraction) {
        return None;
    }
    let secs: i64 = secs.parse().ok()?;
    // ASCII digits only, so any byte offset is a character boundary.
    let fraction = fraction.get(..fraction.len().min(NANO_DIGITS))?;
    let nanos: u32 = format!("{fraction:0<NANO_DIGITS$}").parse().ok()?;
    DateTime::from_timestamp(secs, nanos)
}

/// A time as epoch seconds (a JSON number or numeric text) or as an ISO stamp; null is absent,
/// anything else (a negative, out-of-range or unreadable time) is malformed, never a panic.
pub(super) fn time_value(
    value: &Value,
    field: &'static str,
) -> Result<Option<DateTime<Utc>>, ParseError> {
    let time = match value {
        Value::Null => return Ok(None),
        // serde_json writes a number back in its shortest decimal form (`1733134530.25`), so a
        // float goes through the same exact reading as text.
        Value::Number(n) => epoch_text(&n.to_string()),
        Value::String(s) => iso_time(s).or_else(|| epoch_text(s)),
        _ => None,
    };
    time.map(Some).ok_or(ParseError::Malformed(field))
}

/// [`time_value`] of a field that may be absent.
pub(super) fn time_field(
    object: &Map<String, Value>,
    field: &'static str,
) -> Result<Option<DateTime<Utc>>, ParseError> {
    object.get(field).map_or(Ok(None), |v| time_value(v, field))
}

/// The record kept as `raw`: as sent, but without the attempted password (an analyst needs to
/// know an attempt happened, not to keep credentials someone may have typed).
pub(super) fn raw_record(mut object: Map<String, Value>) -> String {
    object.remove("password");
    Value::Object(object).to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn at(value: Value) -> Result<Option<String>, ParseError> {
        time_value(&value, "time").map(|t| t.map(|t| t.to_rfc3339()))
    }

    #[test]
    fn times_as_numbers_text_and_stamps() {
        let whole = Ok(Some("2024-12-02T10:15:30+00:00".to_owned()));
        assert_eq!(at(json!(1_733_134_530)), whole);
        assert_eq!(at(json!("1733134530")), whole);
        assert_eq!(at(json!(1_733_134_530.0)), whole);
        let fraction = Ok(Some("2024-12-02T10:15:30.123456+00:00".to_owned()));
        assert_eq!(at(json!(1_733_134_530.123_456)), fraction);
        assert_eq!(at(json!(" 1733134530.123456 ")), fraction);
        assert_eq!(at(json!("2024-12-02T10:15:30.123456Z")), fraction);
        assert_eq!(at(json!("2024-12-02T10:15:30.123456+0000")), fraction);
        assert_eq!(
            at(json!("1733134530.1234567891234")),
            Ok(Some("2024-12-02T10:15:30.123456789+00:00".to_owned()))
        );
        assert_eq!(at(Value::Null), Ok(None));
    }

    #[test]
    fn garbage_times_are_malformed() {
        for bad in [
            json!("yesterday"),
            json!(""),
            json!(-5),
            json!("-5"),
            json!(1e300),
            json!("9".repeat(10_000)),
            json!("1.2.3"),
            json!("1e9"),
            json!(true),
            json!({"t": 1}),
            json!(1_733_134_530_123_456_i64),
        ] {
            assert_eq!(at(bad.clone()), Err(ParseError::Malformed("time")), "{bad}");
        }
    }

    #[test]
    fn ports_and_addresses() {
        let object = json!({"a": "22", "b": 2222, "c": [1], "ip": " 203.0.113.7 "});
        let object = object.as_object().unwrap();
        assert_eq!(first_port(object, &["x", "a", "b"]), Ok(Some(22)));
        assert_eq!(first_port(object, &["x"]), Ok(None));
        assert_eq!(port(object, "c"), Err(ParseError::Malformed("c")));
        assert_eq!(
            ip(text(object, "ip").unwrap(), "ip").unwrap(),
            "203.0.113.7"
        );
        assert_eq!(ip("999.1.1.1", "ip"), Err(ParseError::Malformed("ip")));
    }
}
