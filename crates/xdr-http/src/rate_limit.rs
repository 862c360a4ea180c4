//! Per-client-IP rate limits on the unauthenticated auth endpoints (login, register, refresh,
//! accept-invitation), with governor's GCRA limiter.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Every this many checks, forget clients whose allowance has fully recovered.
const SWEEP_EVERY: u64 = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Sustained requests per minute per client IP.
    pub per_minute: NonZeroU32,
    /// Requests allowed in a burst above the sustained rate.
    pub burst: NonZeroU32,
}

pub struct AuthRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for AuthRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthRateLimiter")
            .field("clients", &self.limiter.len())
            .finish()
    }
}

impl AuthRateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        let quota = Quota::per_minute(config.per_minute).allow_burst(config.burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// `Ok` when `ip` may make a request now, else how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> AuthRateLimiter {
        AuthRateLimiter::new(RateLimitConfig {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
            burst: NonZeroU32::new(burst).unwrap(),
        })
    }

    #[test]
    fn burst_then_refusal_per_ip() {
        let l = limiter(6, 3);
        let a: IpAddr = "198.51.100.1".parse().unwrap();
        let b: IpAddr = "198.51.100.2".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
        }
        let wait = l.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert!(l.check(b).is_ok(), "another client has its own allowance");
    }
}
