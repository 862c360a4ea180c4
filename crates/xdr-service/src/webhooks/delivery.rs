//! Starting the delivery side: the bounded queue, the worker on the current Tokio runtime, the
//! `webhook` executor that feeds it, and the sweeps that queue again the deliveries nobody is
//! making (left by a stop, a crash, or another instance that died).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use thiserror::Error;
use xdr_domain::ports::ContainmentRepository;
use xdr_domain::telemetry::Telemetry;
use xdr_domain::{ActionLogId, Clock};

use super::config::DeliveryConfig;
use super::executor::{WEBHOOK_EXECUTOR, WebhookExecutor};
use super::queue::{DeliveryJob, DeliveryQueue, delivery_queue};
use super::transport::WebhookTransport;
use super::worker::{DeliveryPorts, Worker};
use xdr_auth::InternalError;
use xdr_auth::blocking;

/// Pending actions read per page when re-queueing.
const RESUME_PAGE: u32 = 200;

#[derive(Debug, Error)]
pub enum DeliveryStartError {
    #[error("the webhook delivery worker needs a Tokio runtime to run on")]
    NoRuntime,
}

/// A running delivery worker and the queue that feeds it. The worker stops when every clone of
/// the queue (this value and its executors) is dropped.
pub struct WebhookDelivery {
    sweeper: Sweeper,
    telemetry: Arc<Telemetry>,
}

/// What a sweep needs: it runs on its own task, beside the requests.
#[derive(Clone)]
struct Sweeper {
    queue: DeliveryQueue,
    containment: Arc<dyn ContainmentRepository>,
    clock: Arc<dyn Clock>,
    interval: Duration,
}

impl fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDelivery")
            .field("queue", &self.sweeper.queue)
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
        let sweeper = Sweeper {
            queue: queue.clone(),
            containment: Arc::clone(&ports.containment),
            clock: Arc::clone(&ports.clock),
            interval: config.sweep_interval,
        };
        let telemetry = Arc::clone(&ports.telemetry);
        let worker = Arc::new(Worker {
            ports,
            transport,
            config,
        });
        runtime.spawn(worker.run(inbox));
        Ok(Self { sweeper, telemetry })
    }

    /// The `webhook` executor, queueing into this worker.
    pub fn executor(&self) -> WebhookExecutor {
        WebhookExecutor::new(self.sweeper.queue.clone(), Arc::clone(&self.telemetry))
    }

    /// Queues again every `webhook` action still `pending` that nobody is delivering (a
    /// stopped server left them; with several instances, unclaimed ones another instance may
    /// also hold: the claim lets one send), waiting for room in the queue as needed; returns
    /// how many. Then, on its own task, every sweep interval: those whose claim expired or
    /// that were never claimed within an interval (what a dead instance held).
    pub async fn resume_pending(&self) -> Result<u64, InternalError> {
        let sweeper = self.sweeper.clone();
        let queued = sweeper.sweep(sweeper.clock.now()).await?;
        if queued > 0 {
            tracing::info!(queued, "re-queued unfinished webhook deliveries");
        }
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(sweeper.interval);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let before = crate::lease::before(sweeper.clock.now(), sweeper.interval);
                match sweeper.sweep(before).await {
                    Ok(0) => {}
                    Ok(queued) => {
                        tracing::info!(queued, "re-queued webhook deliveries nobody was making")
                    }
                    Err(error) => {
                        tracing::error!(error = %error, "could not sweep pending webhook deliveries")
                    }
                }
            }
        });
        Ok(queued)
    }
}

impl Sweeper {
    /// Queues the pending deliveries with an expired claim, or never claimed and created
    /// before `unclaimed_before`.
    async fn sweep(&self, unclaimed_before: DateTime<Utc>) -> Result<u64, InternalError> {
        let now = self.clock.now();
        let mut after: Option<ActionLogId> = None;
        let mut queued = 0;
        loop {
            let containment = Arc::clone(&self.containment);
            let page = blocking::run(move || {
                containment.pending_actions(
                    WEBHOOK_EXECUTOR,
                    now,
                    unclaimed_before,
                    after,
                    RESUME_PAGE,
                )
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
        Ok(queued)
    }
}
