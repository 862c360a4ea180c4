//! What one ingested batch does to incidents, decided from what storage read inside the ingest
//! transaction (under the organization's lock), as writes for storage to apply:
//!
//! 1. [`fired`]: of the windows the batch touched, those of enabled rules whose count (this
//!    batch included) reaches the threshold. Untouched windows cannot have changed.
//! 2. Storage reads the open incident of each fired (rule, source IP), and the window's events
//!    for the keys that have none.
//! 3. [`plan`]: each fired key grows its open incident, or opens one (one open incident per rule
//!    and source IP).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::incident::Incident;
use super::rule::{Detection, EventFacts, RuleKind, RuleSettings, detect};
use super::window::{BatchTally, WindowKey};
use crate::ids::OrganizationId;

/// The detections of a batch: every touched window of an enabled rule whose count reaches the
/// threshold. `counts` holds what each touched window counts now; a key missing there counts 0.
pub fn fired(
    settings: &BTreeMap<RuleKind, RuleSettings>,
    tallies: &BTreeMap<WindowKey, BatchTally>,
    counts: &BTreeMap<WindowKey, u32>,
) -> BTreeMap<WindowKey, Detection> {
    tallies
        .keys()
        .filter_map(|key| {
            let settings = settings.get(&key.rule).filter(|s| s.enabled)?;
            let count = counts.get(key).copied().unwrap_or(0);
            detect(key.rule, settings, key.src_ip, count).map(|d| (*key, d))
        })
        .collect()
}

/// The first event that counts toward `key`'s window ending at `until` (the window's end when
/// none does): when an incident opened by that window was first seen.
pub fn first_seen(
    key: &WindowKey,
    settings: &RuleSettings,
    until: DateTime<Utc>,
    facts: &[EventFacts],
) -> DateTime<Utc> {
    let since = settings.window_start(until);
    facts
        .iter()
        .filter(|f| f.occurred_at > since && f.occurred_at <= until && f.relevant_to(key.rule))
        .map(|f| f.occurred_at)
        .min()
        .unwrap_or(until)
}

/// The incident writes of one batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentWrites {
    /// New open incidents, to insert.
    pub opened: Vec<Incident>,
    /// Open incidents that grew, to update (only the columns growth owns:
    /// [`Incident::grow`]).
    pub grown: Vec<Incident>,
}

/// What storage read for the fired keys.
#[derive(Debug, Clone, Copy)]
pub struct FiredReadings<'a> {
    pub settings: &'a BTreeMap<RuleKind, RuleSettings>,
    pub tallies: &'a BTreeMap<WindowKey, BatchTally>,
    /// The open incident of each fired key that has one.
    pub open: &'a BTreeMap<WindowKey, Incident>,
    /// Stored events of the source IPs whose fired keys have no open incident, covering their
    /// windows (see [`first_seen`]).
    pub facts: &'a BTreeMap<std::net::IpAddr, Vec<EventFacts>>,
}

/// Grows the open incident of each fired key, or opens one for a key without.
pub fn plan(
    org: OrganizationId,
    fired: &BTreeMap<WindowKey, Detection>,
    read: FiredReadings<'_>,
    now: DateTime<Utc>,
) -> IncidentWrites {
    let mut writes = IncidentWrites::default();
    for (key, detection) in fired {
        let Some(tally) = read.tallies.get(key) else {
            continue;
        };
        match read.open.get(key) {
            Some(open) => {
                let mut incident = open.clone();
                incident.grow(detection, tally.added, tally.until, now);
                writes.grown.push(incident);
            }
            None => {
                let since = read
                    .settings
                    .get(&key.rule)
                    .zip(read.facts.get(&key.src_ip))
                    .map(|(settings, facts)| first_seen(key, settings, tally.until, facts))
                    .unwrap_or(tally.until);
                writes
                    .opened
                    .push(Incident::open(org, detection, since, now));
            }
        }
    }
    writes
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
