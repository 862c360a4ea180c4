//! Mini-XDR's use cases over the domain's ports: organization and member administration,
//! audit queries, credentials, detection, containment, webhooks and inventory.
//!
//! Every call takes the verified caller (`xdr_auth::Principal`), checks its role and scopes
//! storage to its organization. Storage comes in through the ports of `xdr-domain`; this crate
//! knows nothing of HTTP or SQL.

mod access;
pub mod agents;
pub mod audit;
pub mod containment;
pub mod credentials;
pub mod detection;
pub mod identity;
pub mod ingest;
pub mod inventory;
mod lease;
pub mod onboarding;
pub mod webhooks;

pub use agents::{AgentConfig, AgentError, AgentPorts, AgentService, AgentView};
pub use audit::{AuditError, AuditExport, AuditService, ExportAborted, ExportFormat};
pub use containment::{
    ContainmentError, ContainmentExecutors, ContainmentService, PolicyInput, RecordExecutor,
};
pub use credentials::{CredentialError, CredentialService, KeyRingSealer};
pub use detection::{DetectionError, DetectionService, IncidentDetail, RuleChange};
pub use identity::{AdminError, AdminService, AdminStore, IssuedInvitation};
pub use ingest::{IngestConfig, IngestError, IngestPorts, IngestService};
pub use inventory::{InventoryError, InventoryService};
pub use onboarding::{OnboardingConfig, OnboardingError, OnboardingPorts, OnboardingService};
pub use webhooks::{WebhookError, WebhookService};
