//! Per-client rate limits on the unauthenticated auth endpoints (login, register, refresh,
//! accept-invitation), with governor's GCRA limiter. A client is an IPv4 address, or an IPv6
//! network of `ipv6_prefix` bits (default /64: one subscriber's allocation, 2^64 addresses that
//! would otherwise each get their own allowance).

use std::net::{IpAddr, Ipv6Addr};
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
    /// IPv6 clients are keyed on this many leading bits (1..=128).
    pub ipv6_prefix: u8,
}

/// The default IPv6 prefix a client is keyed on.
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The key a client's requests are counted under: an IPv4 address as it is (IPv4-mapped IPv6
/// addresses included), an IPv6 address with all but its first `prefix` bits cleared.
pub fn client_key(ip: IpAddr, ipv6_prefix: u8) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let bits = u32::from(ipv6_prefix.clamp(1, 128));
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
        }
    }
}

pub struct AuthRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU64,
    /// Requests refused since start (this process only).
    refused: AtomicU64,
    ipv6_prefix: u8,
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
            refused: AtomicU64::new(0),
            ipv6_prefix: config.ipv6_prefix,
        }
    }

    /// `Ok` when the client of `ip` may make a request now, else how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let key = client_key(ip, self.ipv6_prefix);
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).map_err(|not_until| {
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
    use super::*;

    fn limiter(per_minute: u32, burst: u32) -> AuthRateLimiter {
        AuthRateLimiter::new(RateLimitConfig {
            per_minute: NonZeroU32::new(per_minute).unwrap(),
            burst: NonZeroU32::new(burst).unwrap(),
            ipv6_prefix: DEFAULT_IPV6_PREFIX,
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

    #[test]
    fn ipv6_clients_are_keyed_on_their_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a, 64), client_key(same_64, 64));
        assert_ne!(client_key(a, 64), client_key(other_64, 64));
        assert_eq!(
            client_key(a, 64),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_key(a, 48), client_key(other_64, 48));
        assert_eq!(client_key(a, 128), a);
        let v4: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_key(v4, 64), v4, "IPv4 stays /32");
        let mapped: IpAddr = "::ffff:198.51.100.7".parse().unwrap();
        assert_eq!(
            client_key(mapped, 64),
            v4,
            "an IPv4-mapped address is its IPv4 client"
        );

        let l = limiter(6, 2);
        assert!(l.check(a).is_ok());
        assert!(l.check(same_64).is_ok());
        assert!(l.check(same_64).is_err(), "one /64 shares one allowance");
        assert!(l.check(other_64).is_ok());
    }
}
