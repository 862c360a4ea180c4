//! Sliding-window tallies: what one batch of events adds to each rule's window per source IP.
//!
//! Storage keeps these tallies instead of re-reading events, so the cost of detecting on a
//! batch depends on the batch and on the window's length in seconds, never on how many events
//! the window holds:
//! - event-counting rules keep the number of matching events per second (one-second
//!   resolution: the window ending at `until` covers the `window_seconds` whole seconds up to
//!   and including `until`'s);
//! - distinct-value rules keep each value with its newest occurrence (a value counts while its
//!   newest occurrence is after `until - window`; exact when batches arrive in time order, and
//!   when an older batch arrives late a value seen after its window's end counts in it too).

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::rule::{EventFacts, RuleKind, RuleSettings};

/// One rule's window for one source IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WindowKey {
    pub rule: RuleKind,
    pub src_ip: IpAddr,
}

/// What one batch adds to one window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchTally {
    /// Matching events in the batch.
    pub added: i64,
    /// The newest matching event: the batch is judged in the window ending here.
    pub until: DateTime<Utc>,
    /// Matching events per second (Unix seconds), for event-counting rules.
    pub per_second: BTreeMap<i64, i64>,
    /// Each distinct value with its newest occurrence, for distinct-value rules.
    pub values: BTreeMap<String, DateTime<Utc>>,
}

impl BatchTally {
    fn new(at: DateTime<Utc>) -> Self {
        Self {
            added: 0,
            until: at,
            per_second: BTreeMap::new(),
            values: BTreeMap::new(),
        }
    }

    fn add(&mut self, rule: RuleKind, event: &EventFacts) {
        self.added += 1;
        self.until = self.until.max(event.occurred_at);
        if rule.counts_distinct_values() {
            if let Some(value) = rule.counted_value(event) {
                let newest = self.values.entry(value).or_insert(event.occurred_at);
                *newest = (*newest).max(event.occurred_at);
            }
        } else {
            *self
                .per_second
                .entry(event.occurred_at.timestamp())
                .or_insert(0) += 1;
        }
    }
}

/// The tallies of a batch: one per rule and source IP that the batch has matching events for.
/// Windows the batch does not touch cannot change, so only these need evaluating.
pub fn tally_batch<'a>(
    events: impl IntoIterator<Item = (IpAddr, &'a EventFacts)>,
) -> BTreeMap<WindowKey, BatchTally> {
    let mut tallies: BTreeMap<WindowKey, BatchTally> = BTreeMap::new();
    for (src_ip, event) in events {
        for rule in RuleKind::ALL {
            if event.relevant_to(rule) {
                tallies
                    .entry(WindowKey { rule, src_ip })
                    .or_insert_with(|| BatchTally::new(event.occurred_at))
                    .add(rule, event);
            }
        }
    }
    tallies
}

impl RuleSettings {
    /// The seconds an event-counting window ending at `until` covers, first and last included.
    pub fn window_seconds_ending(&self, until: DateTime<Utc>) -> (i64, i64) {
        let last = until.timestamp();
        (last - i64::from(self.window_seconds) + 1, last)
    }

    /// A distinct value counts in the window ending at `until` when its newest occurrence is
    /// after this instant.
    pub fn window_start(&self, until: DateTime<Utc>) -> DateTime<Utc> {
        until - self.window()
    }
}

#[cfg(test)]
#[path = "window_tests.rs"]
mod tests;
