//! The JSON bodies of the `/api/v1/agents/*` routes, as API.md words them. Requests carry no
//! field the server does not know (it refuses unknown fields); responses are read leniently.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use uuid::Uuid;
use xdr_domain::detection::EventInput;

use crate::state::Secret;

#[derive(Debug, Clone, Serialize)]
pub struct EnrollRequest<'a> {
    pub enrollment_token: &'a str,
    pub instance_id: Uuid,
    pub hostname: &'a str,
    pub platform: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<&'a str>,
    pub agent_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
pub struct EnrollResponse {
    pub agent_id: String,
    pub agent_secret: Secret,
    pub heartbeat_interval_seconds: u64,
    #[serde(default, deserialize_with = "unix_seconds")]
    pub server_time: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeartbeatRequest {
    /// The instance id this agent enrolled with (or a new one on a cloned machine): the
    /// server answers 409 `agent_clone_detected` when it is not the agent's.
    pub instance_id: Uuid,
    pub status: &'static str,
    pub metrics: Value,
    pub buffered_events: u64,
    pub dropped_events: u64,
}

#[derive(Debug, Deserialize)]
pub struct HeartbeatResponse {
    #[serde(default, deserialize_with = "unix_seconds")]
    pub server_time: Option<i64>,
    pub heartbeat_interval_seconds: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub struct EventsResponse {
    #[serde(default)]
    pub accepted: u64,
    #[serde(default)]
    pub duplicate: bool,
    /// The ids of the incidents the batch opened (API.md: as `POST /events` answers).
    #[serde(default)]
    pub incidents_opened: Vec<Uuid>,
}

#[derive(Debug, Deserialize)]
pub struct RotateResponse {
    pub agent_secret: Secret,
}

#[derive(Debug, Default, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// `server_time` as RFC 3339 text or as unix seconds.
fn unix_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(&s)
            .ok()
            .map(|t| t.with_timezone(&Utc).timestamp()),
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    })
}

/// One event of `POST /agents/events`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireEvent {
    pub event_type: String,
    pub src_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
}

impl From<EventInput> for WireEvent {
    fn from(e: EventInput) -> Self {
        Self {
            event_type: e.event_type,
            src_ip: e.src_ip,
            dst_ip: e.dst_ip,
            dst_port: e.dst_port,
            hostname: e.hostname,
            username: e.username,
            message: e.message,
            // `raw` is JSON text in the domain; the API takes it as a JSON value.
            raw: e
                .raw
                .map(|text| serde_json::from_str(&text).unwrap_or(Value::String(text))),
            occurred_at: e
                .occurred_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        }
    }
}

/// The body of `POST /agents/events` from already serialized events.
pub fn events_body(batch_id: Uuid, events: &[String]) -> Vec<u8> {
    let size = events.iter().map(|e| e.len() + 1).sum::<usize>() + 64;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(br#"{"batch_id":""#);
    body.extend_from_slice(batch_id.hyphenated().to_string().as_bytes());
    body.extend_from_slice(br#"","events":["#);
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(event.as_bytes());
    }
    body.extend_from_slice(b"]}");
    body
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn events_map_from_the_domain_with_raw_as_json() {
        let input = EventInput {
            event_type: "cowrie.login.failed".into(),
            src_ip: "203.0.113.7".into(),
            raw: Some(r#"{"a":1}"#.into()),
            occurred_at: Some(
                DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                    .unwrap()
                    .into(),
            ),
            ..EventInput::default()
        };
        let json = serde_json::to_value(WireEvent::from(input)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"event_type":"cowrie.login.failed","src_ip":"203.0.113.7",
                "raw":{"a":1},"occurred_at":"2026-01-01T00:00:00Z"})
        );
    }

    #[test]
    fn events_body_is_valid_json() {
        let id = Uuid::new_v4();
        let body = events_body(id, &[r#"{"a":1}"#.into(), r#"{"b":2}"#.into()]);
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["batch_id"], id.to_string());
        assert_eq!(v["events"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn server_time_reads_text_or_seconds() {
        let a: HeartbeatResponse = serde_json::from_str(
            r#"{"server_time":"2026-01-01T00:00:00Z","heartbeat_interval_seconds":30}"#,
        )
        .unwrap();
        assert_eq!(a.server_time, Some(1_767_225_600));
        let b: HeartbeatResponse = serde_json::from_str(r#"{"server_time":5}"#).unwrap();
        assert_eq!(b.server_time, Some(5));
    }
}
