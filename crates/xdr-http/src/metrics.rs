//! Request metrics in the Prometheus text format, kept in atomics (no locks on the hot path).

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    /// Cumulative counts per bucket, plus the +Inf bucket at the end.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    /// Sum of durations in microseconds.
    sum_micros: AtomicU64,
}

impl Metrics {
    pub fn record(&self, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).saturating_sub(1).min(4);
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        let seconds = elapsed.as_secs_f64();
        let first = BUCKETS
            .iter()
            .position(|b| seconds <= *b)
            .unwrap_or(BUCKETS.len());
        for bucket in &self.buckets[first..] {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP mini_xdr_http_requests_total HTTP requests answered, by status class."
        );
        let _ = writeln!(out, "# TYPE mini_xdr_http_requests_total counter");
        for (class, count) in STATUS_CLASSES.iter().zip(&self.by_class) {
            let _ = writeln!(
                out,
                "mini_xdr_http_requests_total{{status=\"{class}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP mini_xdr_http_request_duration_seconds Time to answer HTTP requests."
        );
        let _ = writeln!(
            out,
            "# TYPE mini_xdr_http_request_duration_seconds histogram"
        );
        for (bound, count) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "mini_xdr_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let total = self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "mini_xdr_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}"
        );
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "mini_xdr_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "mini_xdr_http_request_duration_seconds_count {total}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets() {
        let m = Metrics::default();
        m.record(200, Duration::from_micros(800));
        m.record(404, Duration::from_millis(30));
        m.record(503, Duration::from_secs(3));
        let text = m.render();
        assert!(text.contains("mini_xdr_http_requests_total{status=\"2xx\"} 1"));
        assert!(text.contains("mini_xdr_http_requests_total{status=\"4xx\"} 1"));
        assert!(text.contains("mini_xdr_http_requests_total{status=\"5xx\"} 1"));
        assert!(text.contains("mini_xdr_http_request_duration_seconds_bucket{le=\"0.001\"} 1"));
        assert!(text.contains("mini_xdr_http_request_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("mini_xdr_http_request_duration_seconds_bucket{le=\"+Inf\"} 3"));
        assert!(text.contains("mini_xdr_http_request_duration_seconds_count 3"));
    }
}
