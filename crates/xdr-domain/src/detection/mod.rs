//! Detection: security events, the built-in rules and their windows, and the incidents they open.

pub mod batch;
pub mod dashboard;
pub mod event;
pub mod event_id;
pub mod incident;
pub mod parsers;
#[cfg(test)]
pub(crate) mod reference;
pub mod rule;
pub mod severity;
pub mod window;

pub use batch::{FiredReadings, IncidentWrites, fired, first_seen, plan};
pub use dashboard::{CHART_HOURS, DashboardSummary, TOP_SOURCE_IPS, chart_hours};
pub use event::{EventInput, MAX_BATCH, NewEvent, validate_batch, validate_each};
pub use event_id::EventIds;
pub use incident::{
    ChangeRefused, EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
};
pub use rule::{Detection, EventFacts, RuleKind, RuleSettings, detect, rounded_risk, score};
pub use severity::{IncidentStatus, Severity, UnknownValue};
pub use window::{BatchTally, WindowKey, tally_batch};
