//! What handlers share: the services, built once by the server and passed in.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use xdr_auth::AuthService;
use xdr_domain::ports::HealthCheck;
use xdr_domain::telemetry::{PoolStats, Telemetry};
use xdr_service::{
    AdminService, AgentService, AuditService, ContainmentService, CredentialService,
    DetectionService, IngestService, InventoryService, OnboardingService, WebhookService,
};

use crate::agent_rate_limit::{AgentRateLimitConfig, AgentRateLimiter};
use crate::metrics::RequestMetrics;
use crate::middleware::cors::CorsOrigins;
use crate::middleware::drain::Drain;
use crate::rate_limit::{AuthRateLimiter, RateLimitConfig};
use crate::trusted_proxies::TrustedProxies;

/// Default request body limit (docs/api.md, "Request bodies"): 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Default bound on one audit export's total time.
pub const DEFAULT_EXPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// Default per-token limit of agentless ingest: cowrie posts one request per event, so a busy
/// honeypot sends hundreds a second. 12,000 a minute sustained, bursts of 2,000.
pub const DEFAULT_INGEST_RATE_LIMIT: AgentRateLimitConfig = AgentRateLimitConfig {
    per_minute: non_zero(12_000),
    burst: non_zero(2_000),
};

const fn non_zero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub trusted_proxies: TrustedProxies,
    /// Per-IP limit of the auth endpoints; `None` disables it.
    pub rate_limit: Option<RateLimitConfig>,
    /// Per-agent limit of the signed agent routes; `None` disables it.
    pub agent_rate_limit: Option<AgentRateLimitConfig>,
    /// An audit export still running after this long is cut off (its body aborted).
    pub export_timeout: std::time::Duration,
    /// Agentless ingest (HEC, `/ingest/multi`): most bytes of a body, before and after gzip.
    pub ingest_body_limit_bytes: usize,
    /// Per-ingest-token limit of agentless ingest; `None` disables it.
    pub ingest_rate_limit: Option<AgentRateLimitConfig>,
    /// Browser origins allowed to call the API (CORS); none: CORS is off.
    pub cors_origins: CorsOrigins,
    /// Every response says `Strict-Transport-Security`: set when this server answers HTTPS
    /// itself (native TLS), never on plain HTTP (a proxy in front says it, if anyone).
    pub hsts: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: DEFAULT_BODY_LIMIT,
            trusted_proxies: TrustedProxies::none(),
            rate_limit: None,
            agent_rate_limit: Some(AgentRateLimitConfig::default()),
            export_timeout: DEFAULT_EXPORT_TIMEOUT,
            ingest_body_limit_bytes: DEFAULT_BODY_LIMIT,
            ingest_rate_limit: Some(DEFAULT_INGEST_RATE_LIMIT),
            cors_origins: CorsOrigins::none(),
            hsts: false,
        }
    }
}

/// The use cases the handlers call, built by the server.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<AuthService>,
    pub admin: Arc<AdminService>,
    pub audit: Arc<AuditService>,
    pub credentials: Arc<CredentialService>,
    pub detection: Arc<DetectionService>,
    pub containment: Arc<ContainmentService>,
    pub inventory: Arc<InventoryService>,
    pub webhooks: Arc<WebhookService>,
    pub agents: Arc<AgentService>,
    pub onboarding: Arc<OnboardingService>,
    pub ingest: Arc<IngestService>,
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services").finish_non_exhaustive()
    }
}

/// What `GET /metrics` reads besides the request table: the counters the server shares with
/// the use cases, and the storage's connection pools.
#[derive(Clone)]
pub struct Observability {
    pub telemetry: Arc<Telemetry>,
    pub pools: Arc<dyn PoolStats>,
}

impl fmt::Debug for Observability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observability").finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct AppState {
    pub auth: Arc<AuthService>,
    pub admin: Arc<AdminService>,
    pub audit: Arc<AuditService>,
    pub credentials: Arc<CredentialService>,
    pub detection: Arc<DetectionService>,
    pub containment: Arc<ContainmentService>,
    pub inventory: Arc<InventoryService>,
    pub webhooks: Arc<WebhookService>,
    pub agents: Arc<AgentService>,
    pub onboarding: Arc<OnboardingService>,
    pub ingest: Arc<IngestService>,
    pub health: Arc<dyn HealthCheck>,
    pub config: HttpConfig,
    /// Built from `config.rate_limit` by [`AppState::new`]; shared by every worker.
    pub rate_limiter: Option<Arc<AuthRateLimiter>>,
    /// Built from `config.agent_rate_limit`.
    pub agent_rate_limiter: Option<Arc<AgentRateLimiter>>,
    /// Built from `config.ingest_rate_limit`, keyed on the ingest token's id.
    pub ingest_rate_limiter: Option<Arc<AgentRateLimiter>>,
    /// Request counts and latencies for `GET /metrics`.
    pub metrics: Arc<RequestMetrics>,
    pub observability: Observability,
    /// Set when shutdown begins: `/readyz` fails from then on.
    pub drain: Drain,
}

impl AppState {
    pub fn new(
        services: Services,
        health: Arc<dyn HealthCheck>,
        config: HttpConfig,
        observability: Observability,
    ) -> Self {
        let rate_limiter = config.rate_limit.map(|c| Arc::new(AuthRateLimiter::new(c)));
        let agent_rate_limiter = config
            .agent_rate_limit
            .map(|c| Arc::new(AgentRateLimiter::new(c)));
        let ingest_rate_limiter = config
            .ingest_rate_limit
            .map(|c| Arc::new(AgentRateLimiter::new(c)));
        Self {
            auth: services.auth,
            admin: services.admin,
            audit: services.audit,
            credentials: services.credentials,
            detection: services.detection,
            containment: services.containment,
            inventory: services.inventory,
            webhooks: services.webhooks,
            agents: services.agents,
            onboarding: services.onboarding,
            ingest: services.ingest,
            health,
            config,
            rate_limiter,
            agent_rate_limiter,
            ingest_rate_limiter,
            metrics: Arc::new(RequestMetrics::default()),
            observability,
            drain: Drain::default(),
        }
    }
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
