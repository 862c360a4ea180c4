//! Liveness and readiness (no authentication).

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::metrics::{RateLimit, Scrape, render};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = HealthStatus)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

/// The database answers and the server is not shutting down (`status` is `draining` once
/// SIGTERM or SIGINT has been received, `unavailable` when the database does not answer).
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = HealthStatus), (status = 503, body = HealthStatus)))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.drain.is_draining() {
        return HttpResponse::ServiceUnavailable().json(HealthStatus { status: "draining" });
    }
    let health = Arc::clone(&state.health);
    match web::block(move || health.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(HealthStatus { status: "ok" }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(HealthStatus {
                status: "unavailable",
            })
        }
        Err(e) => {
            tracing::warn!(error = %e, "readiness check could not run");
            HttpResponse::ServiceUnavailable().json(HealthStatus {
                status: "unavailable",
            })
        }
    }
}

/// Operational metrics in the Prometheus text format (docs/operations.md, "Metrics").
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    // Read from the database at scrape time; left out of this scrape when it does not answer.
    let agents = state
        .agents
        .status_counts()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "metrics: agents by status unavailable"))
        .ok();
    let audit_entries = state
        .audit
        .entries_written()
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "metrics: audit entries unavailable"))
        .ok();
    let pools = state.observability.pools.pool_snapshots();
    let rate_limited: Vec<(RateLimit, u64)> = [
        (
            RateLimit::SignInIp,
            state.rate_limiter.as_ref().map(|l| l.refused()),
        ),
        (
            RateLimit::Agent,
            state.agent_rate_limiter.as_ref().map(|l| l.refused()),
        ),
        (
            RateLimit::IngestToken,
            state.ingest_rate_limiter.as_ref().map(|l| l.refused()),
        ),
    ]
    .into_iter()
    .filter_map(|(limit, refused)| refused.map(|n| (limit, n)))
    .collect();
    let text = render(&Scrape {
        requests: &state.metrics,
        telemetry: &state.observability.telemetry,
        pools: &pools,
        agents: agents.as_deref(),
        audit_entries,
        rate_limited: &rate_limited,
    });
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text)
}
