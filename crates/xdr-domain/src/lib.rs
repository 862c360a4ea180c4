//! Mini-XDR's pure model and rules: no I/O, no async, no framework, no crypto.
//!
//! Validated newtypes (`Email`, `OrganizationName`, `Role`...) exist only when valid, and the
//! ports (`ports`) describe what the use cases need from storage.

pub mod agents;
pub mod audit;
pub mod clock;
mod closed_set;
pub mod containment;
pub mod credentials;
pub mod detection;
pub mod error;
pub mod identity;
pub mod ids;
pub mod inventory;
pub mod net;
pub mod onboarding;
pub mod pagination;
pub mod ports;
pub mod secrets;
pub mod telemetry;
pub mod validation;
pub mod webhooks;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{Conflict, RepoError};
pub use ids::{
    ActionLogId, AgentId, AssetId, AuditEntryId, CredentialId, EnrollmentTokenId, EventId,
    IncidentId, IngestTokenId, InvitationId, LogSourceId, MlModelId, OrganizationId, PolicyId,
    ScanId, SessionId, UserId, WebhookId,
};
pub use pagination::{Page, PageRequest};
pub use validation::FieldErrors;
