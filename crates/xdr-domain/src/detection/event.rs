//! Security events as ingested: validated at the edge, all-or-nothing per batch.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use super::event_id::EventIds;
use crate::ids::{EventId, OrganizationId};
use crate::validation::FieldErrors;

pub const MAX_BATCH: usize = 1000;
const MAX_EVENT_TYPE_LEN: usize = 64;
pub(crate) const MAX_TEXT_LEN: usize = 255;
pub(crate) const MAX_MESSAGE_LEN: usize = 4096;
pub(crate) const MAX_RAW_LEN: usize = 16 * 1024;
/// Events claiming to happen further in the future than this are refused (clock skew allowance).
const MAX_FUTURE_SKEW_MINUTES: i64 = 5;

/// An event as a client sent it (strings not yet validated).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInput {
    pub event_type: String,
    pub src_ip: String,
    pub dst_ip: Option<String>,
    pub dst_port: Option<i64>,
    pub hostname: Option<String>,
    pub username: Option<String>,
    pub message: Option<String>,
    /// The raw record, already serialized as JSON text.
    pub raw: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Made from `received_at` ([`EventIds`]): storage finds recent events by id.
    pub id: EventId,
    pub organization_id: OrganizationId,
    pub event_type: String,
    pub src_ip: IpAddr,
    pub dst_ip: Option<IpAddr>,
    pub dst_port: Option<u16>,
    pub hostname: Option<String>,
    pub username: Option<String>,
    pub message: Option<String>,
    pub raw: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub event: NewEvent,
    pub agent_id: Option<String>,
    /// The log source an agentless sender's ingest token belongs to.
    pub log_source_id: Option<String>,
}

fn valid_event_type(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= MAX_EVENT_TYPE_LEN
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

fn bounded(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    match value {
        Some(v) if v.chars().count() > max => {
            errors.add(field, format!("must be at most {max} characters"));
            None
        }
        other => other.clone(),
    }
}

/// Validates a whole batch; any problem rejects all of it, with errors keyed `events[i].field`.
pub fn validate_batch(
    org: OrganizationId,
    inputs: &[EventInput],
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if inputs.is_empty() || inputs.len() > MAX_BATCH {
        errors.add(
            "events",
            format!("must hold between 1 and {MAX_BATCH} events"),
        );
        return Err(errors);
    }
    let mut events = Vec::with_capacity(inputs.len());
    // Ids carry the reception time (see `event_id`), not the moment each was generated.
    let ids = EventIds::received_at(now);
    for (i, input) in inputs.iter().enumerate() {
        let f = |name: &str| format!("events[{i}].{name}");
        if !valid_event_type(&input.event_type) {
            errors.add(
                &f("event_type"),
                "must be 1-64 characters of letters, digits, '.', '_' or '-'",
            );
        }
        let src_ip = errors.check(
            &f("src_ip"),
            input
                .src_ip
                .trim()
                .parse::<IpAddr>()
                .map_err(|_| "is not an IP address"),
        );
        let dst_ip = match &input.dst_ip {
            Some(raw) => errors
                .check(
                    &f("dst_ip"),
                    raw.trim()
                        .parse::<IpAddr>()
                        .map(Some)
                        .map_err(|_| "is not an IP address"),
                )
                .flatten(),
            None => None,
        };
        let dst_port = match input.dst_port {
            Some(p) => errors
                .check(
                    &f("dst_port"),
                    u16::try_from(p).map(Some).map_err(|_| "must be 0-65535"),
                )
                .flatten(),
            None => None,
        };
        let occurred_at = input.occurred_at.unwrap_or(now);
        if occurred_at > now + Duration::minutes(MAX_FUTURE_SKEW_MINUTES) {
            errors.add(&f("occurred_at"), "is in the future");
        }
        let hostname = bounded(&mut errors, &f("hostname"), &input.hostname, MAX_TEXT_LEN);
        let username = bounded(&mut errors, &f("username"), &input.username, MAX_TEXT_LEN);
        let message = bounded(&mut errors, &f("message"), &input.message, MAX_MESSAGE_LEN);
        let raw = bounded(&mut errors, &f("raw"), &input.raw, MAX_RAW_LEN);
        if let Some(src_ip) = src_ip {
            events.push(NewEvent {
                id: ids.next_id(),
                organization_id: org,
                event_type: input.event_type.clone(),
                src_ip,
                dst_ip,
                dst_port,
                hostname,
                username,
                message,
                raw,
                occurred_at,
                received_at: now,
            });
        }
    }
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(errors)
    }
}

/// Validates each event on its own, for senders whose one bad record must not cost the rest
/// (agentless ingest): the valid events, in order, with ids from one generator (increasing, as
/// a batch's are), and each refused event's index with its problems (keyed as in
/// [`validate_batch`]).
pub fn validate_each(
    org: OrganizationId,
    inputs: &[EventInput],
    now: DateTime<Utc>,
) -> (Vec<NewEvent>, Vec<(usize, FieldErrors)>) {
    let ids = EventIds::received_at(now);
    let mut valid = Vec::with_capacity(inputs.len());
    let mut refused = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        match validate_batch(org, std::slice::from_ref(input), now) {
            Ok(events) => valid.extend(events.into_iter().map(|mut e| {
                e.id = ids.next_id();
                e
            })),
            Err(errors) => refused.push((i, errors)),
        }
    }
    (valid, refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_stands_alone() {
        let now = Utc::now();
        let bad = EventInput {
            src_ip: "not-an-ip".into(),
            ..input()
        };
        let (valid, refused) =
            validate_each(OrganizationId::generate(), &[input(), bad, input()], now);
        assert_eq!(valid.len(), 2);
        assert!(valid[0].id < valid[1].id, "ids increase within a request");
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].0, 1);
    }

    fn input() -> EventInput {
        EventInput {
            event_type: "cowrie.login.failed".into(),
            src_ip: "203.0.113.9".into(),
            dst_port: Some(22),
            username: Some("root".into()),
            ..EventInput::default()
        }
    }

    #[test]
    fn valid_batch() {
        let now = Utc::now();
        let org = OrganizationId::generate();
        let events = validate_batch(org, &[input(), input()], now).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].occurred_at, now);
        assert_eq!(events[0].dst_port, Some(22));
        assert!(events[0].id < events[1].id);
        assert!(events[0].id >= EventId::first_received_at(now));
    }

    #[test]
    fn one_bad_event_rejects_the_batch_with_its_index() {
        let bad = EventInput {
            src_ip: "999.1.1.1".into(),
            dst_port: Some(70000),
            event_type: "bad type!".into(),
            ..input()
        };
        let errors = validate_batch(OrganizationId::generate(), &[input(), bad], Utc::now())
            .unwrap_err()
            .into_map();
        assert!(errors.contains_key("events[1].src_ip"));
        assert!(errors.contains_key("events[1].dst_port"));
        assert!(errors.contains_key("events[1].event_type"));
        assert!(!errors.keys().any(|k| k.starts_with("events[0]")));
    }

    #[test]
    fn batch_size_bounds() {
        let org = OrganizationId::generate();
        assert!(validate_batch(org, &[], Utc::now()).is_err());
        let many = vec![input(); MAX_BATCH + 1];
        assert!(validate_batch(org, &many, Utc::now()).is_err());
        assert!(validate_batch(org, &vec![input(); MAX_BATCH], Utc::now()).is_ok());
    }

    #[test]
    fn future_and_oversized_values() {
        let now = Utc::now();
        let future = EventInput {
            occurred_at: Some(now + Duration::hours(1)),
            message: Some("x".repeat(5000)),
            ..input()
        };
        let errors = validate_batch(OrganizationId::generate(), &[future], now)
            .unwrap_err()
            .into_map();
        assert!(errors.contains_key("events[0].occurred_at"));
        assert!(errors.contains_key("events[0].message"));
    }
}
