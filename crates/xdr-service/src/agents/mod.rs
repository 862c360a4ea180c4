//! Agent use cases: redeeming an enrollment token, verifying signed agent requests, what an
//! agent reports (heartbeats, event batches) and manages (secret rotation, unenrollment), and
//! the users' view of the organization's agents (list, show, revoke).

mod admin;
mod cache;
mod enroll;
mod key_versions;
mod reports;
mod signed;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_auth::InternalError;
use xdr_domain::agents::{Agent, AgentStatus, DEFAULT_DISCONNECT_AFTER_SECONDS};
use xdr_domain::ports::{
    AgentRepository, ContainmentRepository, DetectionRepository, ExecutorDirectory, Sealer,
};
use xdr_domain::{Clock, FieldErrors, RepoError};

pub use enroll::Enrolled;
pub use reports::{BatchAck, HeartbeatAck};
pub use signed::{AgentCaller, SignedInput, Verified};

/// `agents.*` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentConfig {
    /// How often agents are told to send a heartbeat.
    pub heartbeat_interval_seconds: u64,
    /// An active agent without a heartbeat for this long is shown as `disconnected`.
    pub disconnect_after_seconds: i64,
    /// How long verified agent credentials are reused (0: read for every request). Other
    /// instances see a revocation after at most this long.
    pub credentials_cache: std::time::Duration,
}

impl Default for AgentConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval_seconds: 30,
            disconnect_after_seconds: DEFAULT_DISCONNECT_AFTER_SECONDS,
            credentials_cache: std::time::Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Error)]
pub enum AgentError {
    #[error("validation failed")]
    Validation(FieldErrors),
    /// Unknown, expired, used-up or revoked: one answer for all.
    #[error("invalid enrollment token")]
    InvalidEnrollmentToken,
    /// A signed request that does not verify, for any reason (the reason is for logs only).
    #[error("invalid signature: {0}")]
    InvalidSignature(&'static str),
    /// A heartbeat from another instance than the one the agent enrolled as.
    #[error("this agent's identity is in use by another instance")]
    CloneDetected,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for AgentError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<crate::access::Forbidden> for AgentError {
    fn from(_: crate::access::Forbidden) -> Self {
        Self::Forbidden
    }
}

/// An agent and its status when it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentView {
    pub agent: Agent,
    pub status: AgentStatus,
}

/// Where agent events go after they are stored: the same containment as `POST /events`.
pub struct AgentPorts {
    pub agents: Arc<dyn AgentRepository>,
    pub detection: Arc<dyn DetectionRepository>,
    pub containment: Arc<dyn ContainmentRepository>,
    pub executors: Arc<dyn ExecutorDirectory>,
    pub sealer: Arc<dyn Sealer>,
    /// Counts the events agents send and the incidents they open.
    pub telemetry: Arc<xdr_domain::telemetry::Telemetry>,
}

impl fmt::Debug for AgentPorts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentPorts").finish_non_exhaustive()
    }
}

pub struct AgentService {
    ports: Arc<AgentPorts>,
    clock: Arc<dyn Clock>,
    config: AgentConfig,
    credentials: cache::CredentialsCache,
}

impl fmt::Debug for AgentService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AgentService {
    pub fn new(ports: AgentPorts, clock: Arc<dyn Clock>, config: AgentConfig) -> Self {
        Self {
            ports: Arc::new(ports),
            clock,
            credentials: cache::CredentialsCache::new(config.credentials_cache),
            config,
        }
    }

    pub fn config(&self) -> AgentConfig {
        self.config
    }

    fn view(&self, agent: Agent) -> AgentView {
        let status = agent.status(self.clock.now(), self.config.disconnect_after_seconds);
        AgentView { agent, status }
    }
}
