//! Ports: what the use cases need from storage. Adapters (xdr-persistence, in-memory fakes)
//! implement them. Every method that touches tenant data takes the `OrganizationId` and must
//! filter by it; a record of another organization is reported exactly like a missing one.
//!
//! The traits are synchronous (diesel is); callers run them off the async workers.

mod agents;
mod audit;
mod containment;
mod credentials;
mod detection;
mod identity;
mod ingest;
mod inventory;
mod onboarding;
mod retention;
mod webhooks;

use crate::error::RepoError;

pub use agents::{
    AgentCredentials, AgentFilter, AgentRepository, BatchOutcome, EnrolledAgent, HeartbeatOutcome,
    NonceUse,
};
pub use audit::AuditLogRepository;
pub use containment::{ActionExecutor, ContainmentRepository, ExecutorDirectory};
pub use credentials::{CredentialRepository, Sealer};
pub use detection::{DetectionRepository, IngestOutcome};
pub use identity::{
    InvitationRepository, LoginThrottleRepository, OrganizationRepository, SessionRepository,
    UserRepository,
};
pub use ingest::IngestRepository;
pub use inventory::InventoryRepository;
pub use onboarding::{AssetFilter, OnboardingRecord, OnboardingRepository, OnboardingUpdate};
pub use retention::{EventRetentionRepository, PrunedBatch};
pub use webhooks::WebhookRepository;

pub type RepoResult<T> = Result<T, RepoError>;

/// Readiness: does storage answer?
pub trait HealthCheck: Send + Sync {
    fn ping(&self) -> RepoResult<()>;
}
