//! The bounded queue between the requests that decide actions and the delivery worker. A full
//! queue is never waited on by a request: the action fails at once, with a result saying so.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

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
/// The sending side. It knows which actions wait in it, so that a sweep finding an action
/// still waiting here (pending, not yet claimed) does not queue it a second time: under a
/// backlog such copies would fill the queue and make new actions fail as "queue full".
#[derive(Debug, Clone)]
pub struct DeliveryQueue {
    sender: mpsc::Sender<DeliveryJob>,
    capacity: usize,
    waiting: Waiting,
}

/// The actions queued and not yet taken by the worker.
type Waiting = Arc<Mutex<HashSet<ActionLogId>>>;

fn lock(waiting: &Waiting) -> MutexGuard<'_, HashSet<ActionLogId>> {
    // The set is only ever inserted into and removed from: a panic elsewhere cannot leave it
    // half-changed, so a poisoned lock is still usable.
    waiting.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The receiving side, drained by the worker.
#[derive(Debug)]
pub struct DeliveryInbox {
    receiver: mpsc::Receiver<DeliveryJob>,
    waiting: Waiting,
}

impl DeliveryInbox {
    /// The next job; `None` once every sender is gone.
    pub async fn recv(&mut self) -> Option<DeliveryJob> {
        let job = self.receiver.recv().await?;
        lock(&self.waiting).remove(&job.action_id);
        Some(job)
    }

    /// The next job if one is waiting now.
    pub fn try_recv(&mut self) -> Option<DeliveryJob> {
        let job = self.receiver.try_recv().ok()?;
        lock(&self.waiting).remove(&job.action_id);
        Some(job)
    }
}

/// A queue holding at most `capacity` (at least 1) jobs.
pub fn delivery_queue(capacity: usize) -> (DeliveryQueue, DeliveryInbox) {
    let capacity = capacity.max(1);
    let (sender, receiver) = mpsc::channel(capacity);
    let waiting = Waiting::default();
    let queue = DeliveryQueue {
        sender,
        capacity,
        waiting: Arc::clone(&waiting),
    };
    (queue, DeliveryInbox { receiver, waiting })
}

impl DeliveryQueue {
    /// Queues `job` without waiting (for request paths). A job whose action already waits
    /// here is not queued again (and that is not an error).
    pub fn try_submit(&self, job: DeliveryJob) -> Result<(), SubmitError> {
        // Held across the send: the worker's removal, after it receives, comes after this.
        let mut waiting = lock(&self.waiting);
        if waiting.contains(&job.action_id) {
            return Ok(());
        }
        self.sender.try_send(job).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SubmitError::Full {
                capacity: self.capacity,
            },
            mpsc::error::TrySendError::Closed(_) => SubmitError::Closed,
        })?;
        waiting.insert(job.action_id);
        Ok(())
    }

    /// Queues `job`, waiting for room (for sweeps, where nobody waits on it). A job whose
    /// action already waits here is not queued again.
    pub async fn submit(&self, job: DeliveryJob) -> Result<(), SubmitError> {
        // Marked before the send, so the worker's removal after receiving cannot come first.
        if !lock(&self.waiting).insert(job.action_id) {
            return Ok(());
        }
        let sent = self.sender.send(job).await;
        if sent.is_err() {
            lock(&self.waiting).remove(&job.action_id);
        }
        sent.map_err(|_| SubmitError::Closed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn job() -> DeliveryJob {
        DeliveryJob {
            organization_id: OrganizationId::generate(),
            action_id: ActionLogId::generate(),
        }
    }

    #[tokio::test]
    async fn an_action_waiting_in_the_queue_is_not_queued_twice() {
        let (queue, mut inbox) = delivery_queue(4);
        let (first, second) = (job(), job());
        queue.try_submit(first).unwrap();
        queue.submit(first).await.unwrap();
        queue.try_submit(first).unwrap();
        queue.submit(second).await.unwrap();
        assert_eq!(inbox.try_recv(), Some(first));
        assert_eq!(inbox.try_recv(), Some(second));
        assert_eq!(inbox.try_recv(), None, "each once");
        // Taken by the worker, it may be queued again (a later sweep of an expired claim).
        queue.submit(first).await.unwrap();
        assert_eq!(inbox.recv().await, Some(first));
    }

    #[tokio::test]
    async fn a_refused_job_is_not_left_marked_as_waiting() {
        let (queue, mut inbox) = delivery_queue(1);
        let (first, second) = (job(), job());
        queue.try_submit(first).unwrap();
        assert_eq!(
            queue.try_submit(second),
            Err(SubmitError::Full { capacity: 1 })
        );
        assert_eq!(inbox.try_recv(), Some(first));
        queue.try_submit(second).unwrap();
        assert_eq!(inbox.try_recv(), Some(second));
    }
}
