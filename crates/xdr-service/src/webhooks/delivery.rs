//! Starting the delivery side: the bounded queue, the worker on the current Tokio runtime, the
//! `webhook` executor that feeds it, and the start-up re-queue of unfinished deliveries.

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_domain::ActionLogId;
use xdr_domain::ports::ContainmentRepository;
use xdr_domain::telemetry::Telemetry;

use super::config::DeliveryConfig;
use super::executor::{WEBHOOK_EXECUTOR, WebhookExecutor};
use super::queue::{DeliveryJob, DeliveryQueue, delivery_queue};
use super::transport::WebhookTransport;
use super::worker::{DeliveryPorts, Worker};
use xdr_auth::InternalError;
use xdr_auth::blocking;

/// Pending actions read per page when re-queueing at start-up.
const RESUME_PAGE: u32 = 200;

#[derive(Debug, Error)]
pub enum DeliveryStartError {
    #[error("the webhook delivery worker needs a Tokio runtime to run on")]
    NoRuntime,
}

/// A running delivery worker and the queue that feeds it. The worker stops when every clone of
/// the queue (this value and its executors) is dropped.
pub struct WebhookDelivery {
    queue: DeliveryQueue,
    containment: Arc<dyn ContainmentRepository>,
    telemetry: Arc<Telemetry>,
}

impl fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDelivery")
            .field("queue", &self.queue)
            .finish_non_exhaustive()
    }
}

impl WebhookDelivery {
    /// Spawns the worker on the current Tokio runtime.
    pub fn start(
        ports: DeliveryPorts,
        transport: Arc<dyn WebhookTransport>,
        config: DeliveryConfig,
    ) -> Result<Self, DeliveryStartError> {
        let runtime =
            tokio::runtime::Handle::try_current().map_err(|_| DeliveryStartError::NoRuntime)?;
        let (queue, inbox) = delivery_queue(config.queue_capacity);
        let containment = Arc::clone(&ports.containment);
        let telemetry = Arc::clone(&ports.telemetry);
        let worker = Arc::new(Worker {
            ports,
            transport,
            config,
        });
        runtime.spawn(worker.run(inbox));
        Ok(Self {
            queue,
            containment,
            telemetry,
        })
    }

    /// The `webhook` executor, queueing into this worker.
    pub fn executor(&self) -> WebhookExecutor {
        WebhookExecutor::new(self.queue.clone(), Arc::clone(&self.telemetry))
    }

    /// Queues again every `webhook` action still `pending` (a stopped server left them),
    /// waiting for room in the queue as needed; returns how many. Receivers see such a
    /// delivery twice at most and deduplicate by its delivery id.
    pub async fn resume_pending(&self) -> Result<u64, InternalError> {
        let mut after: Option<ActionLogId> = None;
        let mut queued = 0;
        loop {
            let containment = Arc::clone(&self.containment);
            let page = blocking::run(move || {
                containment.pending_actions(WEBHOOK_EXECUTOR, after, RESUME_PAGE)
            })
            .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            for log in &page {
                let job = DeliveryJob {
                    organization_id: log.organization_id,
                    action_id: log.id,
                };
                if self.queue.submit(job).await.is_err() {
                    return Ok(queued);
                }
                queued += 1;
            }
        }
        if queued > 0 {
            tracing::info!(queued, "re-queued unfinished webhook deliveries");
        }
        Ok(queued)
    }
}
