//! `[ingest]`: agentless ingest (Splunk HEC, `/ingest/multi`): body size, events per request
//! and the per-token rate.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use xdr_http::AgentRateLimitConfig;
use xdr_http::{DEFAULT_BODY_LIMIT, DEFAULT_INGEST_RATE_LIMIT};
use xdr_service::IngestConfig;

use super::agents::keyed_rate_limit;
use super::error::ConfigError;
use super::webhooks::check;

pub const MAX_BODY_BYTES_RANGE: RangeInclusive<usize> = 1024..=64 * 1024 * 1024;
pub const MAX_EVENTS_RANGE: RangeInclusive<usize> = 1..=100_000;
pub const INGEST_RATE_RANGE: RangeInclusive<u32> = 0..=10_000_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestSettings {
    /// Most bytes of a request body, as sent and after gzip (a gzip bomb stops there).
    pub max_body_bytes: usize,
    /// Most events (HEC envelopes, raw lines) one request may carry.
    pub max_events_per_request: usize,
    /// Requests per minute per ingest token (0: no limit).
    pub rate_limit_per_minute: u32,
    /// Requests allowed in a burst above that rate.
    pub rate_limit_burst: u32,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_BODY_LIMIT,
            max_events_per_request: IngestConfig::default().max_events_per_request,
            rate_limit_per_minute: DEFAULT_INGEST_RATE_LIMIT.per_minute.get(),
            rate_limit_burst: DEFAULT_INGEST_RATE_LIMIT.burst.get(),
        }
    }
}

impl IngestSettings {
    pub fn ingest_config(&self) -> IngestConfig {
        IngestConfig {
            max_events_per_request: self.max_events_per_request,
        }
    }

    /// `None` when the rate limit is off.
    pub fn rate_limit(&self) -> Option<AgentRateLimitConfig> {
        keyed_rate_limit(self.rate_limit_per_minute, self.rate_limit_burst)
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        check(
            "ingest.max_body_bytes",
            self.max_body_bytes,
            MAX_BODY_BYTES_RANGE,
        )?;
        check(
            "ingest.max_events_per_request",
            self.max_events_per_request,
            MAX_EVENTS_RANGE,
        )?;
        check(
            "ingest.rate_limit_per_minute",
            self.rate_limit_per_minute,
            INGEST_RATE_RANGE,
        )?;
        check(
            "ingest.rate_limit_burst",
            self.rate_limit_burst,
            INGEST_RATE_RANGE,
        )
    }
}
