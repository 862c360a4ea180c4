//! Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random
//! time in `[0, min(max, base · 2ⁿ)]`, so a fleet of agents coming back after an outage spreads
//! out instead of hitting the server in lockstep. A server's `Retry-After` is a floor: never
//! sooner than it asks (capped at [`MAX_RETRY_AFTER`]), and `Retry-After: 0` does not spin.

use std::time::Duration;

use rand::Rng;

pub const BASE_DELAY: Duration = Duration::from_millis(500);
pub const MAX_DELAY: Duration = Duration::from_secs(60);
/// The longest `Retry-After` honoured (a bigger one is cut to this).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(BASE_DELAY, MAX_DELAY)
    }
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            failures: 0,
        }
    }

    /// The upper bound of the next wait.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// Records a failure and returns how long to wait before the next attempt.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        let jittered = Duration::from_millis(rand::thread_rng().gen_range(0..=millis));
        match retry_after {
            Some(wait) => wait.min(MAX_RETRY_AFTER).max(jittered),
            None => jittered,
        }
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// After a success.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_up_to_the_max() {
        let mut b = Backoff::default();
        let mut ceilings = Vec::new();
        for _ in 0..12 {
            ceilings.push(b.ceiling());
            b.next_delay(None);
        }
        assert_eq!(ceilings[0], Duration::from_millis(500));
        assert_eq!(ceilings[1], Duration::from_secs(1));
        assert_eq!(ceilings[2], Duration::from_secs(2));
        assert!(ceilings.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*ceilings.last().unwrap_or(&Duration::ZERO), MAX_DELAY);
        for _ in 0..100 {
            b.next_delay(None);
        }
        assert_eq!(b.ceiling(), MAX_DELAY, "no overflow after many failures");
        b.reset();
        assert_eq!(b.ceiling(), BASE_DELAY);
    }

    #[test]
    fn delays_are_jittered_within_the_ceiling() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let mut b = Backoff::default();
            for _ in 0..3 {
                b.next_delay(None);
            }
            let ceiling = b.ceiling();
            let d = b.next_delay(None);
            assert!(d <= ceiling && ceiling == Duration::from_secs(4));
            seen.insert(d.as_millis());
        }
        assert!(
            seen.len() > 50,
            "full jitter spreads the waits: {}",
            seen.len()
        );
    }

    #[test]
    fn retry_after_is_a_capped_floor() {
        let mut b = Backoff::default();
        assert_eq!(
            b.next_delay(Some(Duration::from_secs(7))),
            Duration::from_secs(7),
            "the ceiling (0.5 s) is below what the server asked"
        );
        assert_eq!(
            b.next_delay(Some(Duration::from_secs(86_400))),
            MAX_RETRY_AFTER
        );
        for _ in 0..10 {
            b.next_delay(None);
        }
        let d = b.next_delay(Some(Duration::ZERO));
        assert!(d <= MAX_DELAY, "Retry-After: 0 falls back to the backoff");
        assert_eq!(b.failures(), 13);
    }
}
