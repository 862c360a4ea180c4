//! Security events, detection rules and incidents.

pub mod containment;
pub mod dashboard;
pub mod detection;
pub mod event;
pub mod event_id;
pub mod incident;
pub mod severity;
pub mod window;

pub use containment::{
    ActionLog, ActionStatus, ContainmentAction, ContainmentPolicy, Execution, matching_policies,
};
pub use dashboard::{DashboardSummary, TOP_SOURCE_IPS};
pub use detection::{
    Detection, EventFacts, RuleKind, RuleSettings, count_in_window, detect, evaluate, score,
};
pub use event::{EventInput, MAX_BATCH, NewEvent, validate_batch};
pub use event_id::EventIds;
pub use incident::{EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter};
pub use severity::{IncidentStatus, Severity, UnknownValue};
pub use window::{BatchTally, WindowKey, tally_batch};
