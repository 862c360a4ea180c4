//! Builds the HTTP application state from a database and configuration values.

use std::sync::Arc;

use thiserror::Error;
use xdr_auth::{
    AuthConfig, AuthService, IdentityStore, JwtKeyRing, PasswordHashError, PasswordHasher,
};
use xdr_crypto::KeyRing;
use xdr_domain::Clock;
use xdr_domain::ports::Sealer;
use xdr_domain::telemetry::Telemetry;
use xdr_domain::webhooks::UrlPolicy;
use xdr_http::{AppState, HttpConfig, Observability, Services};
use xdr_persistence::Database;
use xdr_service::webhooks::{DeliveryConfig, DeliveryPorts, DeliveryStartError, WebhookDelivery};
use xdr_service::{
    AdminService, AdminStore, AgentConfig, AgentPorts, AgentService, AuditService,
    ContainmentExecutors, ContainmentService, CredentialService, DetectionService, IngestConfig,
    IngestPorts, IngestService, InventoryService, KeyRingSealer, OnboardingConfig, OnboardingPorts,
    OnboardingService, WebhookService,
};

use crate::webhooks::HttpTransport;

#[derive(Debug, Error)]
pub enum WiringError {
    #[error("password hashing: {0}")]
    Hashing(#[from] PasswordHashError),
    #[error("webhook HTTP client: {0}")]
    WebhookClient(#[from] crate::webhooks::TransportError),
    #[error("webhook delivery: {0}")]
    Delivery(#[from] DeliveryStartError),
}

/// The configuration `build_state` turns into services: each part already validated.
pub struct StateConfig {
    pub auth: AuthConfig,
    pub jwt: JwtKeyRing,
    pub vault: KeyRing,
    pub http: HttpConfig,
    pub webhooks: DeliveryConfig,
    pub agents: AgentConfig,
    pub ingest: IngestConfig,
    pub onboarding: OnboardingConfig,
}

impl std::fmt::Debug for StateConfig {
    /// Key rings hold secrets: only the plain settings are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateConfig")
            .field("agents", &self.agents)
            .finish_non_exhaustive()
    }
}

/// Connects the use cases to the database's repositories and starts the webhook delivery
/// worker on the current Tokio runtime. One `Telemetry` is shared by every use case that
/// counts and by `/metrics`.
pub fn build_state(
    database: &Database,
    config: StateConfig,
    clock: Arc<dyn Clock>,
) -> Result<AppState, WiringError> {
    let StateConfig {
        auth,
        jwt,
        vault,
        http,
        webhooks,
        agents,
        ingest,
        onboarding,
    } = config;
    let repos = database.repositories();
    let telemetry = Arc::new(Telemetry::default());
    let sealer: Arc<dyn Sealer> = Arc::new(KeyRingSealer::new(vault));
    let credentials = CredentialService::new(
        Arc::new(database.credentials()),
        Arc::clone(&sealer),
        Arc::clone(&clock),
    );
    let ports = DeliveryPorts {
        containment: Arc::clone(&repos.containment),
        incidents: Arc::clone(&repos.detection),
        webhooks: Arc::clone(&repos.webhooks),
        sealer: Arc::clone(&sealer),
        clock: Arc::clone(&clock),
        telemetry: Arc::clone(&telemetry),
    };
    let transport = Arc::new(HttpTransport::new(&webhooks)?);
    let delivery = WebhookDelivery::start(ports, transport, webhooks)?;
    let executors = ContainmentExecutors::with_webhooks(
        Arc::new(delivery.executor()),
        Arc::clone(&repos.webhooks),
    );
    let executors = Arc::new(executors);
    let agent_service = Arc::new(AgentService::new(
        AgentPorts {
            agents: Arc::new(database.agents()),
            detection: Arc::clone(&repos.detection),
            containment: Arc::clone(&repos.containment),
            executors: executors.clone(),
            sealer: Arc::clone(&sealer),
            telemetry: Arc::clone(&telemetry),
        },
        Arc::clone(&clock),
        agents,
    ));
    let ingest_service = IngestService::new(
        IngestPorts {
            ingest: Arc::new(database.ingest()),
            detection: Arc::clone(&repos.detection),
            containment: Arc::clone(&repos.containment),
            executors: executors.clone(),
            telemetry: Arc::clone(&telemetry),
        },
        Arc::clone(&clock),
        ingest,
    );
    let onboarding = OnboardingService::new(
        OnboardingPorts {
            onboarding: Arc::new(database.onboarding()),
            detection: Arc::clone(&repos.detection),
            agents: Arc::clone(&agent_service),
        },
        Arc::clone(&clock),
        onboarding,
    );
    let webhook_service = WebhookService::new(
        Arc::clone(&repos.webhooks),
        sealer,
        Arc::clone(&clock),
        webhooks.url_policy,
        Some(Arc::new(delivery)),
    );
    let admin_store = AdminStore {
        organizations: Arc::clone(&repos.organizations),
        users: Arc::clone(&repos.users),
        invitations: Arc::clone(&repos.invitations),
    };
    let store = IdentityStore {
        organizations: repos.organizations,
        users: repos.users,
        sessions: repos.sessions,
        throttle: repos.login_throttle,
        invitations: repos.invitations,
        audit: Arc::clone(&repos.audit),
    };
    let hasher = PasswordHasher::new(auth.bcrypt_cost, auth.password_hash_concurrency)?
        .with_telemetry(Arc::clone(&telemetry));
    let detection = DetectionService::new(
        Arc::clone(&repos.detection),
        Arc::clone(&repos.containment),
        executors.clone(),
        Arc::clone(&clock),
        Arc::clone(&telemetry),
    );
    let containment = ContainmentService::new(
        repos.detection,
        repos.containment,
        executors,
        Arc::clone(&clock),
    );
    let inventory = InventoryService::new(repos.inventory, Arc::clone(&clock));
    let auth = Arc::new(AuthService::new(
        store,
        Arc::clone(&clock),
        hasher,
        jwt,
        auth,
    ));
    let admin = AdminService::new(admin_store, Arc::clone(&auth), clock);
    let services = Services {
        auth,
        admin: Arc::new(admin),
        audit: Arc::new(AuditService::new(repos.audit)),
        credentials: Arc::new(credentials),
        detection: Arc::new(detection),
        containment: Arc::new(containment),
        inventory: Arc::new(inventory),
        webhooks: Arc::new(webhook_service),
        agents: agent_service,
        onboarding: Arc::new(onboarding),
        ingest: Arc::new(ingest_service),
    };
    let observability = Observability {
        telemetry,
        pools: Arc::new(database.clone()),
    };
    Ok(AppState::new(services, repos.health, http, observability))
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
