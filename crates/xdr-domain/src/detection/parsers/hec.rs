//! Splunk HTTP Event Collector bodies, as senders that speak HEC post them (cowrie's
//! `output_splunk`, Fluent Bit, Vector, a Splunk forwarder's HTTP output).
//!
//! `/services/collector/event`: one or more JSON envelopes one after the other, with or without
//! whitespace between them: `{"time"?, "host"?, "source"?, "sourcetype"?, "index"?, "fields"?,
//! "event"}`. Like Splunk, one unreadable envelope refuses the whole request (code 6, "Invalid
//! data format", with the envelope's 0-based index as Splunk's `invalid-event-number`), and an
//! empty body is code 5, "No data". `/services/collector/raw`: one event per line.
//!
//! Splitting is all this module does; [`super::format`] turns each envelope into an event, one
//! event's failure being that event's alone.

use chrono::{DateTime, Utc};
use serde_json::{Deserializer, Map, Value};
use thiserror::Error;

use super::ParseError;
use super::fields::time_value;

/// Why a whole HEC request is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HecError {
    /// An empty or whitespace-only body: HEC code 5.
    #[error("No data")]
    NoData,
    /// The envelope at `index` (0-based) is not JSON, not an object, has no usable `event`, or
    /// metadata of the wrong type: HEC code 6. Nothing of the request is taken.
    #[error("Invalid data format")]
    InvalidFormat { index: usize },
    /// More envelopes (or raw lines) than one request may carry; the rest is not even read.
    #[error("more than {max} events in one request")]
    TooManyEvents { max: usize },
}

/// What an envelope's `event` holds: an object, or text (a log line).
#[derive(Debug, Clone, PartialEq)]
pub enum HecEvent {
    Object(Map<String, Value>),
    Text(String),
}

/// One `/services/collector/event` envelope, its metadata checked for type (text where HEC
/// wants text), its `time` kept as sent: an unreadable time is that event's failure, not the
/// request's.
#[derive(Debug, Clone, PartialEq)]
pub struct HecEnvelope {
    pub time: Option<Value>,
    pub host: Option<String>,
    pub source: Option<String>,
    pub sourcetype: Option<String>,
    pub index: Option<String>,
    pub fields: Option<Map<String, Value>>,
    pub event: HecEvent,
}

impl HecEnvelope {
    /// The envelope's `time` (epoch seconds as a number or numeric text, possibly fractional).
    pub fn time(&self) -> Result<Option<DateTime<Utc>>, ParseError> {
        self.time
            .as_ref()
            .map_or(Ok(None), |t| time_value(t, "time"))
    }
}

/// Null is absent; text is text; anything else makes the envelope unreadable.
fn meta_text(object: &mut Map<String, Value>, field: &str) -> Result<Option<String>, ()> {
    match object.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s).filter(|s| !s.trim().is_empty())),
        Some(_) => Err(()),
    }
}

fn envelope(value: Value) -> Result<HecEnvelope, ()> {
    let Value::Object(mut object) = value else {
        return Err(());
    };
    let event = match object.remove("event") {
        Some(Value::Object(event)) if !event.is_empty() => HecEvent::Object(event),
        Some(Value::String(event)) if !event.trim().is_empty() => HecEvent::Text(event),
        // Missing, null, blank, or a number / array no parser here reads.
        _ => return Err(()),
    };
    let fields = match object.remove("fields") {
        None | Some(Value::Null) => None,
        Some(Value::Object(fields)) => Some(fields),
        Some(_) => return Err(()),
    };
    Ok(HecEnvelope {
        time: object.remove("time").filter(|t| !t.is_null()),
        host: meta_text(&mut object, "host")?,
        source: meta_text(&mut object, "source")?,
        sourcetype: meta_text(&mut object, "sourcetype")?,
        index: meta_text(&mut object, "index")?,
        fields,
        event,
    })
}

/// The envelopes of a `/services/collector/event` body, at most `max_events` of them.
/// serde_json's nesting limit keeps a deeply nested body an error rather than a stack overflow.
pub fn split_hec_events(body: &str, max_events: usize) -> Result<Vec<HecEnvelope>, HecError> {
    if body.trim().is_empty() {
        return Err(HecError::NoData);
    }
    let mut envelopes = Vec::new();
    for (index, item) in Deserializer::from_str(body)
        .into_iter::<Value>()
        .enumerate()
    {
        if index >= max_events {
            return Err(HecError::TooManyEvents { max: max_events });
        }
        let envelope = item
            .map_err(|_| ())
            .and_then(envelope)
            .map_err(|()| HecError::InvalidFormat { index })?;
        envelopes.push(envelope);
    }
    Ok(envelopes)
}

/// The lines of a `/services/collector/raw` body, at most `max_events` of them: blank lines are
/// skipped, a `\r\n` line end is taken as `\n`.
pub fn split_hec_raw(body: &str, max_events: usize) -> Result<Vec<&str>, HecError> {
    let mut lines = Vec::new();
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if lines.len() >= max_events {
            return Err(HecError::TooManyEvents { max: max_events });
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Err(HecError::NoData);
    }
    Ok(lines)
}

#[cfg(test)]
#[path = "hec_tests.rs"]
mod tests;
