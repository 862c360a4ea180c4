//! HTTP requests by route template, method and status, each with its latency histogram, in a
//! fixed-size table that is written without locks.
//!
//! Series are keyed by the route's template (`/api/v1/incidents/{id}`), never by the path a
//! client sent: requests that match no route share the route `unmatched`, and a method outside
//! the standard ones is `other`, so the number of series stays bounded by what the server
//! serves. Should the table ever fill up, further series are counted in one `overflow` series.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;
use std::time::Duration;

use actix_web::http::Method;
use xdr_domain::telemetry::{Histogram, HistogramSnapshot};

/// Slots of the table; a few hundred series are expected (routes × methods × statuses seen).
const SLOTS: usize = 1024;
/// The route of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";
const OVERFLOW: &str = "overflow";

#[derive(Debug)]
struct Series {
    route: Box<str>,
    method: &'static str,
    /// `None` only for the overflow series.
    status: Option<u16>,
    latency: Histogram,
}

/// One series as read for rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSeries {
    pub route: String,
    pub method: &'static str,
    /// A status code, or `other` (the overflow series).
    pub status: String,
    pub latency: HistogramSnapshot,
}

#[derive(Debug)]
pub struct RequestMetrics {
    slots: Box<[OnceLock<Box<Series>>]>,
    overflow: Series,
}

impl Default for RequestMetrics {
    fn default() -> Self {
        Self {
            slots: (0..SLOTS).map(|_| OnceLock::new()).collect(),
            overflow: Series {
                route: OVERFLOW.into(),
                method: "other",
                status: None,
                latency: Histogram::default(),
            },
        }
    }
}

fn method_label(method: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 7] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
    ];
    KNOWN
        .iter()
        .find(|(m, _)| m == method)
        .map_or("other", |(_, label)| label)
}

impl RequestMetrics {
    /// Counts one answered request; `route` is actix's `match_pattern()` (`None`: unmatched).
    pub fn record(&self, route: Option<&str>, method: &Method, status: u16, elapsed: Duration) {
        let route = route.unwrap_or(UNMATCHED);
        let method = method_label(method);
        self.series(route, method, status).latency.observe(elapsed);
    }

    /// The series of the key, created in the first free slot of its probe sequence.
    fn series(&self, route: &str, method: &'static str, status: u16) -> &Series {
        let matches =
            |s: &Series| s.status == Some(status) && s.method == method && *s.route == *route;
        let mut hasher = DefaultHasher::new();
        (route, method, status).hash(&mut hasher);
        let start = hasher.finish() as usize;
        for probe in 0..SLOTS {
            let Some(slot) = self.slots.get((start.wrapping_add(probe)) % SLOTS) else {
                break;
            };
            let series = slot.get_or_init(|| {
                Box::new(Series {
                    route: route.into(),
                    method,
                    status: Some(status),
                    latency: Histogram::default(),
                })
            });
            if matches(series) {
                return series;
            }
        }
        &self.overflow
    }

    /// Every series that has counted a request, sorted by route, method and status.
    pub fn snapshot(&self) -> Vec<RequestSeries> {
        let read = |s: &Series| RequestSeries {
            route: s.route.to_string(),
            method: s.method,
            status: s
                .status
                .map_or_else(|| "other".to_owned(), |c| c.to_string()),
            latency: s.latency.snapshot(),
        };
        let mut all: Vec<RequestSeries> = self
            .slots
            .iter()
            .filter_map(|slot| slot.get())
            .map(|s| read(s))
            .collect();
        all.sort_by(|a, b| (&a.route, a.method, &a.status).cmp(&(&b.route, b.method, &b.status)));
        let overflow = read(&self.overflow);
        if overflow.latency.count() > 0 {
            all.push(overflow);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_by_route_method_and_status() {
        let m = RequestMetrics::default();
        let route = Some("/api/v1/incidents/{id}");
        m.record(route, &Method::GET, 200, Duration::from_micros(800));
        m.record(route, &Method::GET, 200, Duration::from_millis(30));
        m.record(route, &Method::GET, 404, Duration::from_millis(1));
        m.record(None, &Method::GET, 404, Duration::from_millis(1));
        m.record(
            None,
            &Method::from_bytes(b"BREW").unwrap(),
            404,
            Duration::ZERO,
        );
        let all = m.snapshot();
        let keys: Vec<_> = all
            .iter()
            .map(|s| {
                (
                    s.route.as_str(),
                    s.method,
                    s.status.as_str(),
                    s.latency.count(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                ("/api/v1/incidents/{id}", "GET", "200", 2),
                ("/api/v1/incidents/{id}", "GET", "404", 1),
                ("unmatched", "GET", "404", 1),
                ("unmatched", "other", "404", 1),
            ]
        );
    }

    #[test]
    fn a_full_table_counts_in_the_overflow_series() {
        let m = RequestMetrics::default();
        for i in 0..(SLOTS + 5) {
            let route = format!("/r/{i}");
            m.record(Some(&route), &Method::GET, 200, Duration::ZERO);
        }
        let all = m.snapshot();
        assert_eq!(all.len(), SLOTS + 1);
        let last = all.last().unwrap();
        assert_eq!(
            (last.route.as_str(), last.status.as_str()),
            ("overflow", "other")
        );
        assert_eq!(last.latency.count(), 5);
    }
}
