//! The heartbeat's activity: every `heartbeat_interval_seconds` (the server's word wins), say
//! how much is buffered and how much was ever dropped; retried sooner, with backoff, after a
//! failure.

use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;
use tracing::{debug, error, warn};

use crate::backoff::Backoff;
use crate::reply::ClientError;
use crate::run::{Shared, sleep_or_stop};
use crate::wire::HeartbeatRequest;

/// The 409 code of a heartbeat from another instance than the agent's.
pub const CLONE_DETECTED: &str = "agent_clone_detected";
pub const MIN_INTERVAL_SECONDS: u64 = 1;
pub const MAX_INTERVAL_SECONDS: u64 = 3600;

/// The heartbeat body as things stand.
pub(crate) fn report(shared: &Shared, last_dropped: u64) -> HeartbeatRequest {
    let collector = shared.collector.borrow();
    let spool = shared.spool.borrow();
    let stats = collector.stats();
    let dropped = spool.dropped_events();
    let degraded = collector.degraded() || dropped > last_dropped;
    HeartbeatRequest {
        instance_id: shared.instance_id,
        status: if degraded { "degraded" } else { "ok" },
        metrics: json!({
            "files": collector.source_count(),
            "lines_read": stats.lines_read,
            "lines_skipped": stats.lines_skipped,
            "events_spooled": stats.events_spooled,
            "read_errors": stats.read_errors,
            "spool_batches": spool.len(),
            "spool_bytes": spool.total_bytes(),
        }),
        buffered_events: spool.buffered_events() + collector.pending_events() as u64,
        dropped_events: dropped,
    }
}

pub(crate) async fn heartbeat_loop(shared: &Shared, mut stop: watch::Receiver<bool>) {
    let mut backoff = Backoff::default();
    let mut last_dropped = shared.spool.borrow().dropped_events();
    loop {
        let request = report(shared, last_dropped);
        let result = tokio::select! {
            r = shared.client.heartbeat(&request) => r,
            _ = stop.wait_for(|s| *s) => return,
        };
        let interval = Duration::from_secs(shared.heartbeat_seconds.get());
        let wait = match result {
            Ok(response) => {
                backoff.reset();
                last_dropped = request.dropped_events;
                if let Some(seconds) = response.heartbeat_interval_seconds {
                    shared
                        .heartbeat_seconds
                        .set(seconds.clamp(MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS));
                }
                debug!(buffered = request.buffered_events, "heartbeat sent");
                Duration::from_secs(shared.heartbeat_seconds.get())
            }
            Err(ClientError::Rejected {
                status: 409, code, ..
            }) if code == CLONE_DETECTED => {
                error!(instance_id = %shared.instance_id,
                    "the server detected a clone of this agent: stopping");
                shared.cloned.set(true);
                shared.halt.notify_one();
                return;
            }
            Err(e) => {
                if matches!(e, ClientError::Unauthorized { .. }) && shared.reload_credentials() {
                    continue;
                }
                shared.log_refusal("heartbeat", &e);
                let wait = backoff.next_delay(e.retry_after()).min(interval);
                warn!(error = %e, wait_ms = wait.as_millis() as u64, "heartbeat failed");
                wait
            }
        };
        if sleep_or_stop(wait, &mut stop).await {
            return;
        }
    }
}
