//! The sender's activity: ship spooled batches oldest first, one at a time, deleting each
//! after the server took it (202, `duplicate` included). A refused batch (422 and other 4xx)
//! can never succeed: it is dropped and counted. Anything else is retried with backoff.

use std::time::Duration;

use tokio::sync::watch;
use tracing::{debug, error, warn};

use crate::backoff::Backoff;
use crate::reply::ClientError;
use crate::run::{Shared, sleep_or_stop};

/// How often the spool is looked at when nothing wakes the sender.
const IDLE_CHECK: Duration = Duration::from_secs(5);

pub(crate) async fn send_loop(shared: &Shared, mut stop: watch::Receiver<bool>) {
    let mut backoff = Backoff::default();
    loop {
        if *stop.borrow() {
            return;
        }
        let next = shared.spool.borrow_mut().begin_send();
        let (entry, body) = match next {
            Ok(Some(next)) => next,
            Ok(None) => {
                tokio::select! {
                    _ = shared.spooled.notified() => {}
                    _ = tokio::time::sleep(IDLE_CHECK) => {}
                    _ = stop.wait_for(|s| *s) => return,
                }
                continue;
            }
            Err(e) => {
                error!(error = %e, "cannot read the spool");
                if sleep_or_stop(backoff.next_delay(None), &mut stop).await {
                    return;
                }
                continue;
            }
        };
        let result = tokio::select! {
            r = shared.client.send_events(&body) => r,
            _ = stop.wait_for(|s| *s) => {
                shared.spool.borrow_mut().release();
                return;
            }
        };
        drop(body);
        let wait = match result {
            Ok(response) => {
                debug!(batch_id = %entry.batch_id, accepted = response.accepted,
                    duplicate = response.duplicate, incidents_opened = response.incidents_opened.len(),
                    "batch delivered");
                backoff.reset();
                if let Err(e) = shared.spool.borrow_mut().complete(&entry) {
                    error!(error = %e, "cannot delete a delivered batch; it will be resent");
                }
                continue;
            }
            Err(e) if !e.is_retryable() => {
                error!(batch_id = %entry.batch_id, events = entry.events, error = %e,
                    "the server refused the batch: dropped");
                if let Err(e) = shared.spool.borrow_mut().discard(&entry) {
                    error!(error = %e, "cannot delete a refused batch");
                }
                continue;
            }
            Err(e) => {
                shared.spool.borrow_mut().release();
                if matches!(e, ClientError::Unauthorized { .. }) && shared.reload_credentials() {
                    continue;
                }
                shared.log_refusal("events", &e);
                let wait = backoff.next_delay(e.retry_after());
                warn!(error = %e, wait_ms = wait.as_millis() as u64, "batch not delivered; retrying");
                wait
            }
        };
        if sleep_or_stop(wait, &mut stop).await {
            return;
        }
    }
}
