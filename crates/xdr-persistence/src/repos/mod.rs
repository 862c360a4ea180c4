//! The port implementations. Every tenant query filters by the `OrganizationId` it is given.

mod agents;
mod audit;
mod containment;
mod credentials;
mod detection;
pub(crate) mod health;
mod ingest;
mod inventory;
mod invitations;
mod onboarding;
mod organizations;
mod refresh;
mod sessions;
mod throttle;
mod user_access;
mod users;
mod webhooks;

pub use agents::SqlAgentRepository;
pub use audit::SqlAuditLogRepository;
pub use containment::SqlContainmentRepository;
pub use credentials::SqlCredentialRepository;
pub use detection::SqlDetectionRepository;
pub use ingest::SqlIngestRepository;
pub use inventory::SqlInventoryRepository;
pub use invitations::SqlInvitationRepository;
pub use onboarding::SqlOnboardingRepository;
pub use organizations::SqlOrganizationRepository;
pub use sessions::SqlSessionRepository;
pub use throttle::SqlLoginThrottleRepository;
pub use users::SqlUserRepository;
pub use webhooks::SqlWebhookRepository;
