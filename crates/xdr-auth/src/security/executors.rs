//! Built-in action executors.

use xdr_domain::ports::ActionExecutor;
use xdr_domain::security::{ActionStatus, ContainmentAction, Execution, Incident};

/// Records the decision without touching any external system: the action log is the
/// hand-off to the operator (or to an integration reading it). Status `recorded`.
#[derive(Debug, Default, Clone, Copy)]
pub struct RecordExecutor;

impl ActionExecutor for RecordExecutor {
    fn name(&self) -> &'static str {
        "record"
    }

    fn execute(&self, incident: &Incident, action: ContainmentAction, _params: &str) -> Execution {
        Execution {
            status: ActionStatus::Recorded,
            result: Some(format!("{action} recorded for {}", incident.src_ip)),
        }
    }
}
