//! A lock-free histogram of durations with fixed buckets (Prometheus `histogram`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds, in seconds, of every duration histogram: 0.5 ms (a cached read) to 10 s (a
/// bcrypt queue in a login storm, an audit export).
pub const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Counts per bucket (not cumulative: one atomic add per observation), the sum in
/// microseconds, and the observations beyond the last bound.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; DURATION_BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// What a histogram held when read: cumulative counts per bound of [`DURATION_BUCKETS`], then
/// the `+Inf` bucket (which is also the count).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistogramSnapshot {
    pub cumulative: Vec<u64>,
    pub sum_seconds: f64,
}

impl HistogramSnapshot {
    /// How many observations it holds.
    pub fn count(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }
}

impl Histogram {
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let index = DURATION_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(DURATION_BUCKETS.len());
        if let Some(bucket) = self.buckets.get(index) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut total = 0;
        let cumulative = self
            .buckets
            .iter()
            .map(|b| {
                total += b.load(Ordering::Relaxed);
                total
            })
            .collect();
        HistogramSnapshot {
            cumulative,
            sum_seconds: self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_bounds_inclusive() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(500));
        h.observe(Duration::from_millis(30));
        h.observe(Duration::from_secs(60));
        let s = h.snapshot();
        assert_eq!(s.cumulative.len(), DURATION_BUCKETS.len() + 1);
        assert_eq!(s.cumulative[0], 1, "0.5 ms is in the 0.0005 bucket");
        assert_eq!(s.cumulative[5], 1, "30 ms is above 25 ms");
        assert_eq!(s.cumulative[6], 2, "30 ms is within 50 ms");
        assert_eq!(s.cumulative[DURATION_BUCKETS.len() - 1], 2);
        assert_eq!(s.count(), 3, "+Inf holds everything");
        assert!((s.sum_seconds - 60.0305).abs() < 1e-9);
    }
}
