//! The `webhook` executor: logs the action as `pending` and queues its delivery.

use std::sync::Arc;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentAction, Execution};
use xdr_domain::detection::Incident;

use xdr_domain::ports::ActionExecutor;
use xdr_domain::telemetry::{DeliveryOutcome, Telemetry};

use super::queue::{DeliveryJob, DeliveryQueue};

pub const WEBHOOK_EXECUTOR: &str = "webhook";

#[derive(Debug, Clone)]
pub struct WebhookExecutor {
    queue: DeliveryQueue,
    /// Counts a delivery the queue refused as `failed`.
    telemetry: Arc<Telemetry>,
}

impl WebhookExecutor {
    pub fn new(queue: DeliveryQueue, telemetry: Arc<Telemetry>) -> Self {
        Self { queue, telemetry }
    }
}

impl ActionExecutor for WebhookExecutor {
    fn name(&self) -> &'static str {
        WEBHOOK_EXECUTOR
    }

    fn execute(
        &self,
        _incident: &Incident,
        _action: ContainmentAction,
        _params: &str,
    ) -> Execution {
        Execution {
            status: ActionStatus::Pending,
            result: Some("queued for delivery".into()),
        }
    }

    fn hand_off(&self, log: &ActionLog) -> Option<Execution> {
        let job = DeliveryJob {
            organization_id: log.organization_id,
            action_id: log.id,
        };
        match self.queue.try_submit(job) {
            Ok(()) => None,
            Err(e) => {
                self.telemetry
                    .webhook_deliveries
                    .inc(DeliveryOutcome::Failed);
                tracing::warn!(
                    action_id = %log.id,
                    organization_id = %log.organization_id,
                    reason = %e.result(),
                    "webhook delivery not queued"
                );
                Some(Execution {
                    status: ActionStatus::Failed,
                    result: Some(e.result()),
                })
            }
        }
    }
}
