//! Liveness and readiness (no authentication).

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

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

/// Request counts and latencies in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
