//! Mini-XDR's HTTP API (docs/api.md) on actix-web: handlers, extractors, error mapping and
//! the OpenAPI document. Storage is reached only through the services and ports it is given.

pub mod agent_rate_limit;
mod app;
pub mod dto;
pub mod error;
pub mod extract;
mod fallback;
pub mod handlers;
mod ingest_request;
mod json;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod rate_limit;
pub mod state;
pub mod trusted_proxies;

pub use agent_rate_limit::{AgentRateLimitConfig, AgentRateLimiter};
pub use app::{API_ROUTES, OPENAPI_PATH, OPERATIONAL_ROUTES, app, app_with};
pub use error::ApiError;
pub use middleware::cors::{CorsOrigins, InvalidOrigin};
pub use middleware::drain::Drain;
pub use middleware::request_id::{REQUEST_ID_HEADER, RequestId};
pub use rate_limit::{AuthRateLimiter, RateLimitConfig};
pub use state::{
    AppState, DEFAULT_BODY_LIMIT, DEFAULT_INGEST_RATE_LIMIT, HttpConfig, Observability, Services,
};
pub use trusted_proxies::{InvalidProxy, TrustedProxies};
