//! Which parser reads an agentless event, and the event it makes.
//!
//! An envelope's `sourcetype` wins (then the request's `?sourcetype=`); a sourcetype this table
//! does not name, or none, leaves the choice to the type of the log source the ingest token
//! belongs to. Sourcetypes are compared without regard to ASCII case.
//!
//! | sourcetype                                                | format                     |
//! |-----------------------------------------------------------|----------------------------|
//! | `cowrie`, `cowrie:*`, `cowrie_*` (cowrie's own `cowrie`)  | [`SourceFormat::Cowrie`]   |
//! | `sshd`, `linux_secure`, `syslog`, `linux_messages_syslog` | [`SourceFormat::Sshd`]     |
//! | `_json`, `json`: an `eventid` of `cowrie.*`               | [`SourceFormat::Cowrie`]   |
//! | `_json`, `json`: anything else                            | [`SourceFormat::Generic`]  |
//! | `mini-xdr`, `mini_xdr`, `xdr`                             | [`SourceFormat::Generic`]  |
//!
//! | log source type                                           | format                     |
//! |-----------------------------------------------------------|----------------------------|
//! | `cowrie`                                                  | [`SourceFormat::Cowrie`]   |
//! | `syslog`                                                  | [`SourceFormat::Sshd`]     |
//! | `windows_event`, `zeek`, `suricata`, `custom`             | [`SourceFormat::Generic`]  |
//!
//! A cowrie or generic event given as text is read as one JSON line; an sshd event must be text.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::ParseError;
use super::cowrie::parse_cowrie_object;
use super::fields::text;
use super::generic::parse_generic_object;
use super::hec::{HecEnvelope, HecEvent};
use super::sshd::parse_sshd_line;
use crate::detection::EventInput;
use crate::inventory::LogSourceType;

/// The parser an agentless event goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// cowrie's JSON records ([`super::parse_cowrie_object`]).
    Cowrie,
    /// OpenSSH's syslog / journal lines ([`super::parse_sshd_line`]).
    Sshd,
    /// Our own event shape ([`super::parse_generic_object`]).
    Generic,
}

/// What a sourcetype says: a format, or "JSON, look at the record".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Format(SourceFormat),
    Json,
}

fn choice(sourcetype: &str) -> Option<Choice> {
    let st = sourcetype.trim().to_ascii_lowercase();
    let format = match st.as_str() {
        "cowrie" => SourceFormat::Cowrie,
        _ if st.starts_with("cowrie:") || st.starts_with("cowrie_") => SourceFormat::Cowrie,
        "sshd" | "linux_secure" | "syslog" | "linux_messages_syslog" => SourceFormat::Sshd,
        "mini-xdr" | "mini_xdr" | "xdr" => SourceFormat::Generic,
        "_json" | "json" => return Some(Choice::Json),
        _ => return None,
    };
    Some(Choice::Format(format))
}

impl SourceFormat {
    pub fn for_log_source(source_type: LogSourceType) -> Self {
        match source_type {
            LogSourceType::Cowrie => Self::Cowrie,
            LogSourceType::Syslog => Self::Sshd,
            LogSourceType::WindowsEvent
            | LogSourceType::Zeek
            | LogSourceType::Suricata
            | LogSourceType::Custom => Self::Generic,
        }
    }

    /// The format a sourcetype names on its own, if any (`_json` names none: it depends on the
    /// record, see [`parse_hec_event`]).
    pub fn for_sourcetype(sourcetype: &str) -> Option<Self> {
        match choice(sourcetype)? {
            Choice::Format(format) => Some(format),
            Choice::Json => None,
        }
    }
}

/// What a request says about all its events.
#[derive(Debug, Clone, Copy)]
pub struct HecContext<'a> {
    /// The type of the log source the ingest token belongs to.
    pub log_source: LogSourceType,
    /// The request's `?sourcetype=`, for envelopes (and raw lines) that name none.
    pub sourcetype: Option<&'a str>,
    /// The request's `?host=`, for events that name no host.
    pub host: Option<&'a str>,
    /// When the request arrived: dates syslog stamps that carry no year.
    pub received_at: DateTime<Utc>,
}

impl HecContext<'_> {
    fn host(&self) -> Option<String> {
        self.host
            .filter(|h| !h.trim().is_empty())
            .map(str::to_owned)
    }

    fn choice(&self, sourcetype: Option<&str>) -> Choice {
        [sourcetype, self.sourcetype]
            .into_iter()
            .flatten()
            .find_map(choice)
            .unwrap_or(Choice::Format(SourceFormat::for_log_source(
                self.log_source,
            )))
    }
}

fn is_cowrie(object: &Map<String, Value>) -> bool {
    text(object, "eventid").is_some_and(|id| id.starts_with("cowrie."))
}

fn parse_object(object: Map<String, Value>, choice: Choice) -> Result<EventInput, ParseError> {
    match choice {
        Choice::Format(SourceFormat::Cowrie) => parse_cowrie_object(object),
        Choice::Json if is_cowrie(&object) => parse_cowrie_object(object),
        Choice::Format(SourceFormat::Generic) | Choice::Json => parse_generic_object(object),
        Choice::Format(SourceFormat::Sshd) => Err(ParseError::Missing("event")),
    }
}

fn parse_text(
    line: &str,
    choice: Choice,
    received_at: DateTime<Utc>,
) -> Result<EventInput, ParseError> {
    if choice == Choice::Format(SourceFormat::Sshd) {
        return parse_sshd_line(line, received_at);
    }
    match serde_json::from_str::<Value>(line.trim()) {
        Ok(Value::Object(object)) => parse_object(object, choice),
        _ => Err(ParseError::NotJson),
    }
}

/// One envelope's event. Its `host` (else the request's) names the host of an event that names
/// none, its `time` dates an event that carries no time of its own; an unreadable `time` is this
/// event's failure.
pub fn parse_hec_event(
    envelope: HecEnvelope,
    context: &HecContext<'_>,
) -> Result<EventInput, ParseError> {
    let time = envelope.time()?;
    let choice = context.choice(envelope.sourcetype.as_deref());
    let mut event = match envelope.event {
        HecEvent::Object(object) => parse_object(object, choice),
        HecEvent::Text(line) => parse_text(&line, choice, context.received_at),
    }?;
    event.hostname = event.hostname.or(envelope.host).or_else(|| context.host());
    event.occurred_at = event.occurred_at.or(time);
    Ok(super::within_limits(event))
}

/// One line of a `/services/collector/raw` body, read as the request's sourcetype (else the log
/// source's type) says.
pub fn parse_hec_raw_line(line: &str, context: &HecContext<'_>) -> Result<EventInput, ParseError> {
    let mut event = parse_text(line, context.choice(None), context.received_at)?;
    event.hostname = event.hostname.or_else(|| context.host());
    Ok(super::within_limits(event))
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
