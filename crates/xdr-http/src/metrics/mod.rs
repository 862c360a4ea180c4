//! `GET /metrics` in the Prometheus text format: the HTTP request table kept here, and what
//! the rest of the server counts (`xdr_domain::telemetry`) or reads at scrape time.

mod exposition;
mod render;
mod requests;

pub use exposition::escape_label_value;
pub use render::{RateLimit, Scrape, render};
pub use requests::{RequestMetrics, RequestSeries, UNMATCHED};
