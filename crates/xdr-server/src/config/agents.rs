//! `[agents]`: enrolled agents' heartbeats, status and request rate.

use std::num::NonZeroU32;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use xdr_domain::agents::DEFAULT_DISCONNECT_AFTER_SECONDS;
use xdr_http::AgentRateLimitConfig;
use xdr_service::AgentConfig;

use super::error::ConfigError;
use super::webhooks::check;

pub const HEARTBEAT_INTERVAL_SECONDS_RANGE: RangeInclusive<u64> = 5..=3600;
pub const DISCONNECT_AFTER_SECONDS_RANGE: RangeInclusive<i64> = 30..=86_400;
pub const AGENT_RATE_RANGE: RangeInclusive<u32> = 0..=1_000_000;
/// At most a second, as for sessions: a revocation reaches every instance within it.
pub const CREDENTIALS_CACHE_MS_RANGE: RangeInclusive<u64> = 0..=1000;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgentSettings {
    /// How often agents are told to send a heartbeat.
    pub heartbeat_interval_seconds: u64,
    /// An agent without a heartbeat for this long is shown `disconnected`.
    pub disconnect_after_seconds: i64,
    /// Signed requests per minute per agent (0: no limit).
    pub rate_limit_per_minute: u32,
    /// Requests allowed in a burst above that rate.
    pub rate_limit_burst: u32,
    /// How long verified agent credentials are reused (0: read for every request).
    pub credentials_cache_ms: u64,
}

impl Default for AgentSettings {
    fn default() -> Self {
        let rate = AgentRateLimitConfig::default();
        Self {
            heartbeat_interval_seconds: 30,
            disconnect_after_seconds: DEFAULT_DISCONNECT_AFTER_SECONDS,
            rate_limit_per_minute: rate.per_minute.get(),
            rate_limit_burst: rate.burst.get(),
            credentials_cache_ms: 1000,
        }
    }
}

impl AgentSettings {
    pub fn agent_config(&self) -> AgentConfig {
        AgentConfig {
            heartbeat_interval_seconds: self.heartbeat_interval_seconds,
            disconnect_after_seconds: self.disconnect_after_seconds,
            credentials_cache: std::time::Duration::from_millis(self.credentials_cache_ms),
        }
    }

    /// `None` when the rate limit is off.
    pub fn rate_limit(&self) -> Option<AgentRateLimitConfig> {
        keyed_rate_limit(self.rate_limit_per_minute, self.rate_limit_burst)
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        check(
            "agents.heartbeat_interval_seconds",
            self.heartbeat_interval_seconds,
            HEARTBEAT_INTERVAL_SECONDS_RANGE,
        )?;
        check(
            "agents.disconnect_after_seconds",
            self.disconnect_after_seconds,
            DISCONNECT_AFTER_SECONDS_RANGE,
        )?;
        check(
            "agents.rate_limit_per_minute",
            self.rate_limit_per_minute,
            AGENT_RATE_RANGE,
        )?;
        check(
            "agents.credentials_cache_ms",
            self.credentials_cache_ms,
            CREDENTIALS_CACHE_MS_RANGE,
        )?;
        check(
            "agents.rate_limit_burst",
            self.rate_limit_burst,
            AGENT_RATE_RANGE,
        )?;
        if u64::try_from(self.disconnect_after_seconds).unwrap_or(0)
            <= self.heartbeat_interval_seconds
        {
            return Err(ConfigError::invalid(
                "agents.disconnect_after_seconds",
                "must be longer than agents.heartbeat_interval_seconds",
            ));
        }
        Ok(())
    }
}

/// A per-key rate limit from its settings: `None` when `per_minute` is 0 (off); a burst of 0
/// is taken as 1. Shared by `[agents]` and `[ingest]`.
pub(crate) fn keyed_rate_limit(per_minute: u32, burst: u32) -> Option<AgentRateLimitConfig> {
    Some(AgentRateLimitConfig {
        per_minute: NonZeroU32::new(per_minute)?,
        burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
    })
}
