//! The bounded queue between the requests that decide actions and the delivery worker. A full
//! queue is never waited on by a request: the action fails at once, with a result saying so.

use tokio::sync::mpsc;
use xdr_domain::{ActionLogId, OrganizationId};

/// A pending action to deliver. The worker reads everything else from storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryJob {
    pub organization_id: OrganizationId,
    pub action_id: ActionLogId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    Full { capacity: usize },
    Closed,
}

impl SubmitError {
    /// The action log's result when a job could not be queued.
    pub fn result(self) -> String {
        match self {
            SubmitError::Full { capacity } => {
                format!("not delivered: the delivery queue is full ({capacity} deliveries waiting)")
            }
            SubmitError::Closed => "not delivered: the delivery worker is not running".into(),
        }
    }
}

/// The sending side (cheap to clone).
#[derive(Debug, Clone)]
pub struct DeliveryQueue {
    sender: mpsc::Sender<DeliveryJob>,
    capacity: usize,
}

/// The receiving side, drained by the worker.
pub type DeliveryInbox = mpsc::Receiver<DeliveryJob>;

/// A queue holding at most `capacity` (at least 1) jobs.
pub fn delivery_queue(capacity: usize) -> (DeliveryQueue, DeliveryInbox) {
    let capacity = capacity.max(1);
    let (sender, inbox) = mpsc::channel(capacity);
    (DeliveryQueue { sender, capacity }, inbox)
}

impl DeliveryQueue {
    /// Queues `job` without waiting (for request paths).
    pub fn try_submit(&self, job: DeliveryJob) -> Result<(), SubmitError> {
        self.sender.try_send(job).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SubmitError::Full {
                capacity: self.capacity,
            },
            mpsc::error::TrySendError::Closed(_) => SubmitError::Closed,
        })
    }

    /// Queues `job`, waiting for room (for start-up, where nobody waits on it).
    pub async fn submit(&self, job: DeliveryJob) -> Result<(), SubmitError> {
        self.sender.send(job).await.map_err(|_| SubmitError::Closed)
    }
}
