//! What handlers share: the services, built once by the server and passed in.

use std::fmt;
use std::sync::Arc;

use xdr_auth::AuthService;
use xdr_domain::ports::{AuditLogRepository, HealthCheck};

use crate::trusted_proxies::TrustedProxies;

/// Default request body limit (API.md): 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub trusted_proxies: TrustedProxies,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: DEFAULT_BODY_LIMIT,
            trusted_proxies: TrustedProxies::none(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub auth: Arc<AuthService>,
    pub health: Arc<dyn HealthCheck>,
    /// Read side of the audit log (the use cases write it through their repositories).
    pub audit: Arc<dyn AuditLogRepository>,
    pub config: HttpConfig,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
