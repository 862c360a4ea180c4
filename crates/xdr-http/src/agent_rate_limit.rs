//! Per-agent rate limit of the signed agent routes, keyed on the agent a signature proved (a
//! forger cannot spend another agent's allowance). Per server instance, in memory.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

/// Every this many checks, forget agents whose allowance has fully recovered.
const SWEEP_EVERY: u64 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentRateLimitConfig {
    /// Sustained signed requests per minute per agent.
    pub per_minute: NonZeroU32,
    /// Requests allowed in a burst above the sustained rate (a spool draining after an
    /// outage sends its batches back to back).
    pub burst: NonZeroU32,
}

impl Default for AgentRateLimitConfig {
    fn default() -> Self {
        Self {
            per_minute: NonZeroU32::MIN.saturating_add(599),
            burst: NonZeroU32::MIN.saturating_add(119),
        }
    }
}

pub struct AgentRateLimiter {
    limiter: DefaultKeyedRateLimiter<Uuid>,
    clock: DefaultClock,
    checks: AtomicU64,
    /// Requests refused since start (this process only).
    refused: AtomicU64,
}

impl std::fmt::Debug for AgentRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentRateLimiter")
            .field("agents", &self.limiter.len())
            .finish()
    }
}

impl AgentRateLimiter {
    pub fn new(config: AgentRateLimitConfig) -> Self {
        let quota = Quota::per_minute(config.per_minute).allow_burst(config.burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// `Ok` when `agent` may make a request now, else how long it must wait.
    pub fn check(&self, agent: Uuid) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&agent).map_err(|not_until| {
            self.refused.fetch_add(1, Ordering::Relaxed);
            not_until.wait_time_from(self.clock.now())
        })
    }

    /// Requests this limiter refused since the process started. Each instance keeps its own
    /// limiter (nothing is shared through the database), so this is per instance too.
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn each_agent_has_its_own_allowance() {
        let l = AgentRateLimiter::new(AgentRateLimitConfig {
            per_minute: NonZeroU32::new(6).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        });
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(l.check(a).is_ok() && l.check(a).is_ok());
        assert!(l.check(a).is_err());
        assert!(l.check(b).is_ok());
        let d = AgentRateLimitConfig::default();
        assert_eq!((d.per_minute.get(), d.burst.get()), (600, 120));
    }
}
