//! `[webhooks]`: delivery of containment actions to organizations' webhooks.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use xdr_domain::webhooks::{RetryPolicy, UrlPolicy};
use xdr_service::webhooks::{
    DEFAULT_CLAIM_MARGIN, DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_QUEUE_CAPACITY,
    DEFAULT_RETRY_BACKOFF, DEFAULT_SWEEP_INTERVAL, DEFAULT_TIMEOUT, DeliveryConfig,
    MAX_RETRY_BACKOFF,
};

use super::error::ConfigError;

pub const WEBHOOK_TIMEOUT_SECONDS_RANGE: RangeInclusive<u64> = 1..=60;
pub const WEBHOOK_MAX_ATTEMPTS_RANGE: RangeInclusive<u32> = 1..=10;
pub const WEBHOOK_RETRY_BACKOFF_MS_RANGE: RangeInclusive<u64> = 10..=60_000;
pub const WEBHOOK_QUEUE_CAPACITY_RANGE: RangeInclusive<usize> = 1..=100_000;
pub const WEBHOOK_CONCURRENCY_RANGE: RangeInclusive<usize> = 1..=64;
pub const WEBHOOK_SWEEP_INTERVAL_SECONDS_RANGE: RangeInclusive<u64> = 1..=3600;
pub const WEBHOOK_CLAIM_MARGIN_SECONDS_RANGE: RangeInclusive<u64> = 1..=3600;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    /// Accept `http://` webhook URLs (tests, trusted networks only).
    pub allow_http: bool,
    /// Accept loopback, private (RFC 1918), CGNAT and unique-local receivers.
    pub allow_private_networks: bool,
    /// Per attempt: connect, send, read the answer.
    pub timeout_seconds: u64,
    /// Attempts in all, retrying network errors, timeouts, 5xx and 429 only.
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled before each further one (at most 30 s).
    pub retry_backoff_ms: u64,
    /// Deliveries waiting for the worker; beyond it an action fails at once.
    pub queue_capacity: usize,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How often pending deliveries nobody sends (those of a stopped or dead instance) are
    /// queued again.
    pub sweep_interval_seconds: u64,
    /// Added to the longest a delivery can take (every attempt timing out, every backoff) to
    /// make its claim; more than the clock differences between instances.
    pub claim_margin_seconds: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private_networks: false,
            timeout_seconds: DEFAULT_TIMEOUT.as_secs(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            retry_backoff_ms: u64::try_from(DEFAULT_RETRY_BACKOFF.as_millis()).unwrap_or(1000),
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            concurrency: DEFAULT_CONCURRENCY,
            sweep_interval_seconds: DEFAULT_SWEEP_INTERVAL.as_secs(),
            claim_margin_seconds: DEFAULT_CLAIM_MARGIN.as_secs(),
        }
    }
}

impl WebhookSettings {
    /// What the library takes.
    pub fn delivery_config(&self) -> DeliveryConfig {
        DeliveryConfig {
            url_policy: UrlPolicy {
                allow_http: self.allow_http,
                allow_private_networks: self.allow_private_networks,
            },
            timeout: Duration::from_secs(self.timeout_seconds),
            retry: RetryPolicy {
                max_attempts: self.max_attempts,
                base_backoff: Duration::from_millis(self.retry_backoff_ms),
                max_backoff: MAX_RETRY_BACKOFF,
            },
            queue_capacity: self.queue_capacity,
            concurrency: self.concurrency,
            sweep_interval: Duration::from_secs(self.sweep_interval_seconds),
            claim_margin: Duration::from_secs(self.claim_margin_seconds),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        check(
            "webhooks.timeout_seconds",
            self.timeout_seconds,
            WEBHOOK_TIMEOUT_SECONDS_RANGE,
        )?;
        check(
            "webhooks.max_attempts",
            self.max_attempts,
            WEBHOOK_MAX_ATTEMPTS_RANGE,
        )?;
        check(
            "webhooks.retry_backoff_ms",
            self.retry_backoff_ms,
            WEBHOOK_RETRY_BACKOFF_MS_RANGE,
        )?;
        check(
            "webhooks.queue_capacity",
            self.queue_capacity,
            WEBHOOK_QUEUE_CAPACITY_RANGE,
        )?;
        check(
            "webhooks.concurrency",
            self.concurrency,
            WEBHOOK_CONCURRENCY_RANGE,
        )?;
        check(
            "webhooks.sweep_interval_seconds",
            self.sweep_interval_seconds,
            WEBHOOK_SWEEP_INTERVAL_SECONDS_RANGE,
        )?;
        check(
            "webhooks.claim_margin_seconds",
            self.claim_margin_seconds,
            WEBHOOK_CLAIM_MARGIN_SECONDS_RANGE,
        )
    }

    /// Doubtful choices, for the log.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.allow_http {
            warnings.push(
                "webhooks.allow_http is true: webhook deliveries may travel unencrypted".into(),
            );
        }
        if self.allow_private_networks {
            warnings.push(
                "webhooks.allow_private_networks is true: organizations can make this server \
                 send requests to its own machine and private networks"
                    .into(),
            );
        }
        warnings
    }
}

pub(crate) fn check<T: PartialOrd + std::fmt::Display>(
    key: &str,
    value: T,
    range: RangeInclusive<T>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::invalid(
        key,
        format!(
            "must be between {} and {}, got {value}",
            range.start(),
            range.end()
        ),
    ))
}
