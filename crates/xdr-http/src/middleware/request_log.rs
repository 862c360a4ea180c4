//! One structured log line per request (never bodies or headers: they carry secrets), inside
//! the request's span, and the request metrics.

use std::sync::Arc;
use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::metrics::RequestMetrics;

pub async fn log_request(
    metrics: Arc<RequestMetrics>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    // The route's template, never the path itself: unmatched requests share one series.
    metrics.record(
        response.request().match_pattern().as_deref(),
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(response)
}
