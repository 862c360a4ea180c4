//! What the console's handlers share, and the routes it adds to the server's application.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpRequest, web};
use xdr_auth::{AuthService, ClientInfo};
use xdr_service::{
    AdminService, AgentService, AuditService, ContainmentService, CredentialService,
    DetectionService, IngestService, InventoryService, OnboardingService,
};

use crate::assets::Assets;
use crate::pages;
use crate::summary_cache::SummaryCache;

/// The caller's address and user agent as the API sees them (trusted proxies included).
pub type ClientResolver = Arc<dyn Fn(&HttpRequest) -> ClientInfo + Send + Sync>;
/// The API's per-IP limit of sign-in attempts: `Err(retry_after)` when exceeded.
pub type SignInLimiter = Arc<dyn Fn(&HttpRequest) -> Result<(), Duration> + Send + Sync>;

/// The use cases the pages call, the same instances the API's handlers hold.
#[derive(Clone)]
pub struct ConsoleServices {
    pub auth: Arc<AuthService>,
    pub admin: Arc<AdminService>,
    pub audit: Arc<AuditService>,
    pub detection: Arc<DetectionService>,
    pub agents: Arc<AgentService>,
    pub onboarding: Arc<OnboardingService>,
    pub containment: Arc<ContainmentService>,
    pub inventory: Arc<InventoryService>,
    pub ingest: Arc<IngestService>,
    pub credentials: Arc<CredentialService>,
}

impl fmt::Debug for ConsoleServices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleServices").finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct ConsoleConfig {
    /// Always mark cookies `Secure` with `__Host-` names, as behind a TLS-terminating proxy.
    /// Requests that arrive over TLS get them regardless.
    pub secure_cookies: bool,
    pub client: ClientResolver,
    pub sign_in_limit: Option<SignInLimiter>,
    /// How long the dashboard's figures of an organization are reused; zero: never.
    pub dashboard_cache: Duration,
    /// The longest an audit log download may take before it is cut off.
    pub export_timeout: Duration,
}

impl fmt::Debug for ConsoleConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleConfig")
            .field("secure_cookies", &self.secure_cookies)
            .field("sign_in_limit", &self.sign_in_limit.is_some())
            .field("dashboard_cache", &self.dashboard_cache)
            .field("export_timeout", &self.export_timeout)
            .finish_non_exhaustive()
    }
}

pub(crate) struct ConsoleState {
    pub(crate) services: ConsoleServices,
    pub(crate) config: ConsoleConfig,
    pub(crate) assets: Assets,
    pub(crate) dashboard: SummaryCache,
}

impl ConsoleState {
    /// Whether this request's cookies are `Secure` and `__Host-` named.
    pub(crate) fn secure(&self, req: &HttpRequest) -> bool {
        self.config.secure_cookies || req.connection_info().scheme() == "https"
    }
}

/// The console, built once by the server; [`Console::configure`] adds its routes.
#[derive(Clone)]
pub struct Console(Arc<ConsoleState>);

impl fmt::Debug for Console {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Console")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

impl Console {
    pub fn new(services: ConsoleServices, config: ConsoleConfig) -> Self {
        let dashboard = SummaryCache::new(config.dashboard_cache);
        Self(Arc::new(ConsoleState {
            services,
            config,
            assets: Assets::new(),
            dashboard,
        }))
    }

    /// The console's pages and assets, at the root of the server's URL space.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(web::Data::from(Arc::clone(&self.0)));
        pages::routes(cfg);
    }
}
