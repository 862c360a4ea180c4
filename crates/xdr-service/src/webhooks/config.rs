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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// What URLs and addresses are allowed (checked when configured and before each delivery).
    pub url_policy: UrlPolicy,
    /// Per attempt: connecting, sending and reading the answer.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub queue_capacity: usize,
    pub concurrency: usize,
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
        }
    }
}
