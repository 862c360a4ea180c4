//! How webhooks are delivered: the library's configuration (the binary fills it from its
//! settings).

use std::time::Duration;

use xdr_domain::webhooks::{RetryPolicy, UrlPolicy};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_secs(1);
/// Longest wait between two attempts, however many there are.
pub const MAX_RETRY_BACKOFF: Duration = Duration::from_secs(30);
/// Deliveries waiting for the worker; beyond this an action fails at once ("queue is full").
pub const DEFAULT_QUEUE_CAPACITY: usize = 1000;
/// Deliveries in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// Added to the longest a delivery can take to make its claim: a claim outlives the delivery
/// it covers (and the clock differences of the instances), so no other instance sends it
/// again while it runs.
pub const DEFAULT_CLAIM_MARGIN: Duration = Duration::from_secs(60);
/// How often each instance looks for deliveries nobody is sending (a dead instance's).
pub const DEFAULT_SWEEP_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// What URLs and addresses are allowed (checked when configured and before each delivery).
    pub url_policy: UrlPolicy,
    /// Per attempt: connecting, sending and reading the answer.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub queue_capacity: usize,
    pub concurrency: usize,
    /// How often pending deliveries that nobody sends are queued again; a delivery never
    /// claimed is left this long to the instance that queued it.
    pub sweep_interval: Duration,
    /// Added to the longest a delivery can take to make its claim.
    pub claim_margin: Duration,
}

impl DeliveryConfig {
    /// How long a claimed delivery is this instance's alone: every attempt timing out, every
    /// backoff waited, and the margin.
    pub fn claim_lease(&self) -> Duration {
        let attempts = self.retry.max_attempts.max(1);
        let waits: Duration = (1..attempts).map(|a| self.retry.backoff(a)).sum();
        self.timeout
            .saturating_mul(attempts)
            .saturating_add(waits)
            .saturating_add(self.claim_margin)
    }
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            url_policy: UrlPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy {
                max_attempts: DEFAULT_MAX_ATTEMPTS,
                base_backoff: DEFAULT_RETRY_BACKOFF,
                max_backoff: MAX_RETRY_BACKOFF,
            },
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            concurrency: DEFAULT_CONCURRENCY,
            sweep_interval: DEFAULT_SWEEP_INTERVAL,
            claim_margin: DEFAULT_CLAIM_MARGIN,
        }
    }
}
