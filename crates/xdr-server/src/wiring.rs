//! Builds the HTTP application state from a database and configuration values.

use std::sync::Arc;

use thiserror::Error;
use xdr_auth::webhooks::{DeliveryConfig, DeliveryPorts, DeliveryStartError, WebhookDelivery};
use xdr_auth::{
    AuthConfig, AuthService, ContainmentExecutors, CredentialService, IdentityStore,
    InventoryService, JwtKeyRing, KeyRingSealer, PasswordHashError, PasswordHasher,
    SecurityService, WebhookService,
};
use xdr_crypto::KeyRing;
use xdr_domain::Clock;
use xdr_domain::ports::Sealer;
use xdr_domain::webhooks::UrlPolicy;
use xdr_http::{AppState, HttpConfig, Services};
use xdr_persistence::Database;

use crate::webhooks::HttpTransport;

#[derive(Debug, Error)]
pub enum WiringError {
    #[error("password hashing: {0}")]
    Hashing(#[from] PasswordHashError),
    #[error("webhook HTTP client: {0}")]
    WebhookClient(#[from] reqwest::Error),
    #[error("webhook delivery: {0}")]
    Delivery(#[from] DeliveryStartError),
}

/// Connects the use cases to the database's repositories and starts the webhook delivery
/// worker on the current Tokio runtime.
pub fn build_state(
    database: &Database,
    auth: AuthConfig,
    jwt: JwtKeyRing,
    vault: KeyRing,
    http: HttpConfig,
    webhooks: DeliveryConfig,
    clock: Arc<dyn Clock>,
) -> Result<AppState, WiringError> {
    let repos = database.repositories();
    let sealer: Arc<dyn Sealer> = Arc::new(KeyRingSealer::new(vault));
    let credentials = CredentialService::new(
        Arc::new(database.credentials()),
        Arc::clone(&sealer),
        Arc::clone(&clock),
    );
    let ports = DeliveryPorts {
        containment: Arc::clone(&repos.containment),
        incidents: Arc::clone(&repos.security),
        webhooks: Arc::clone(&repos.webhooks),
        sealer: Arc::clone(&sealer),
        clock: Arc::clone(&clock),
    };
    let transport = Arc::new(HttpTransport::new(&webhooks)?);
    let delivery = WebhookDelivery::start(ports, transport, webhooks)?;
    let executors = ContainmentExecutors::with_webhooks(
        Arc::new(delivery.executor()),
        Arc::clone(&repos.webhooks),
    );
    let webhook_service = WebhookService::new(
        Arc::clone(&repos.webhooks),
        sealer,
        Arc::clone(&clock),
        webhooks.url_policy,
        Some(Arc::new(delivery)),
    );
    let store = IdentityStore {
        organizations: repos.organizations,
        users: repos.users,
        sessions: repos.sessions,
        throttle: repos.login_throttle,
        invitations: repos.invitations,
        audit: Arc::clone(&repos.audit),
    };
    let hasher = PasswordHasher::new(auth.bcrypt_cost, auth.password_hash_concurrency)?;
    let security = SecurityService::new(
        repos.security,
        repos.containment,
        Arc::new(executors),
        Arc::clone(&clock),
    );
    let inventory = InventoryService::new(repos.inventory, Arc::clone(&clock));
    let service = AuthService::new(store, clock, hasher, jwt, auth);
    let services = Services {
        auth: Arc::new(service),
        security: Arc::new(security),
        credentials: Arc::new(credentials),
        inventory: Arc::new(inventory),
        webhooks: Arc::new(webhook_service),
        audit: repos.audit,
    };
    Ok(AppState::new(services, repos.health, http))
}

/// The credential vault over the database and a key ring (also used by `vault rewrap`).
pub fn credential_service(
    database: &Database,
    vault: KeyRing,
    clock: Arc<dyn Clock>,
) -> CredentialService {
    CredentialService::new(
        Arc::new(database.credentials()),
        Arc::new(KeyRingSealer::new(vault)),
        clock,
    )
}

/// Webhook secrets over the database and a key ring, without delivery (for `vault rewrap`).
pub fn webhook_secrets(
    database: &Database,
    vault: KeyRing,
    clock: Arc<dyn Clock>,
) -> WebhookService {
    WebhookService::new(
        Arc::new(database.webhooks()),
        Arc::new(KeyRingSealer::new(vault)),
        clock,
        UrlPolicy::default(),
        None,
    )
}
