//! Operational counters of what the product did (sign-ins, events, incidents, webhook
//! deliveries, the password hasher's queue), kept in atomics: recording is lock-free. One
//! [`Telemetry`] is built by the server and handed to every use case that records into it;
//! the HTTP side renders it at `GET /metrics`. No globals: two servers in one process (as in
//! the tests) count apart.

mod hashing;
mod histogram;
mod labels;
mod pools;

pub use hashing::{HashingTelemetry, Waiting};
pub use histogram::{DURATION_BUCKETS, Histogram, HistogramSnapshot};
pub use labels::{CounterVec, DeliveryOutcome, EventSource, Label, SignInOutcome};
pub use pools::{PoolSnapshot, PoolStats};

use crate::detection::RuleKind;

#[derive(Debug, Default)]
pub struct Telemetry {
    pub sign_ins: CounterVec<SignInOutcome>,
    pub password_hashing: HashingTelemetry,
    /// Events stored, by where they came in.
    pub events_ingested: CounterVec<EventSource>,
    /// Events refused (invalid), by where they came in.
    pub events_rejected: CounterVec<EventSource>,
    pub incidents_opened: CounterVec<RuleKind>,
    pub webhook_deliveries: CounterVec<DeliveryOutcome>,
}

impl Telemetry {
    /// Counts what one committed ingest stored and opened.
    pub fn ingested(&self, source: EventSource, outcome: &crate::ports::IngestOutcome) {
        self.events_ingested.add(source, outcome.accepted as u64);
        for rule in &outcome.opened_rules {
            self.incidents_opened.inc(*rule);
        }
    }
}
