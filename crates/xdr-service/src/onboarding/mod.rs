//! Onboarding's use cases: the wizard (profile → network scan → agents → validation), the
//! discovery scans and their assets, the deployment plan, and the enrollment tokens agents
//! redeem. Only an organization's admins onboard it.

mod banner;
mod install;
mod scan_jobs;
mod scan_sweeper;
pub mod scanner;
mod scans;
mod tokens;
mod validation;
mod wizard;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::Semaphore;
use xdr_auth::InternalError;
use xdr_domain::onboarding::{DiscoveryPolicy, WizardError};
use xdr_domain::ports::{DetectionRepository, OnboardingRepository};
use xdr_domain::{Clock, FieldErrors, RepoError};

use crate::agents::AgentService;

pub use install::{AgentDownload, InstallScripts};
pub use scan_jobs::ScanJobs;
pub use scan_sweeper::ScanSweeper;
pub use scanner::{HostFound, ScanEnd, ScanLimits, ScanOutcome, ScanProgress, scan};
pub use tokens::IssuedToken;
pub use validation::{Validation, ValidationCheck};
pub use wizard::WizardView;

/// `server.public_url` and `discovery.*` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingConfig {
    /// Where agents reach this server, as the install scripts write it (no trailing `/`).
    pub public_url: String,
    pub discovery: DiscoveryPolicy,
    pub scan_limits: ScanLimits,
    /// Probes in flight across every organization's scans.
    pub max_probes: usize,
    /// The agent binaries `GET /downloads/…` serves, with their digests.
    pub downloads: Vec<AgentDownload>,
    /// How long a running scan's claim lasts past its last progress write (each second): an
    /// instance that stopped or died leaves its scans to be interrupted this long after.
    pub scan_lease: Duration,
}

/// [`OnboardingConfig::scan_lease`] unless configured.
pub const DEFAULT_SCAN_LEASE: Duration = Duration::from_secs(30);

impl Default for OnboardingConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            discovery: DiscoveryPolicy::default(),
            scan_limits: ScanLimits::default(),
            max_probes: 512,
            downloads: Vec::new(),
            scan_lease: DEFAULT_SCAN_LEASE,
        }
    }
}

#[derive(Debug, Error)]
pub enum OnboardingError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error(transparent)]
    Wizard(WizardError),
    #[error("a scan of this organization is already running")]
    ScanRunning,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for OnboardingError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<crate::access::Forbidden> for OnboardingError {
    fn from(_: crate::access::Forbidden) -> Self {
        Self::Forbidden
    }
}

impl From<crate::agents::AgentError> for OnboardingError {
    fn from(e: crate::agents::AgentError) -> Self {
        use crate::agents::AgentError as A;
        match e {
            A::Forbidden => Self::Forbidden,
            A::NotFound => Self::NotFound,
            A::Internal(e) => Self::Internal(e),
            other => Self::Internal(InternalError::Storage(RepoError::Internal(
                other.to_string(),
            ))),
        }
    }
}

/// What onboarding reads and writes.
pub struct OnboardingPorts {
    pub onboarding: Arc<dyn OnboardingRepository>,
    pub detection: Arc<dyn DetectionRepository>,
    /// The organization's agents, as `GET /agents` shows them.
    pub agents: Arc<AgentService>,
}

impl fmt::Debug for OnboardingPorts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnboardingPorts").finish_non_exhaustive()
    }
}

pub struct OnboardingService {
    ports: Arc<OnboardingPorts>,
    clock: Arc<dyn Clock>,
    config: Arc<OnboardingConfig>,
    jobs: ScanJobs,
}

impl fmt::Debug for OnboardingService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnboardingService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OnboardingService {
    pub fn new(ports: OnboardingPorts, clock: Arc<dyn Clock>, config: OnboardingConfig) -> Self {
        let probes = Arc::new(Semaphore::new(config.max_probes.max(1)));
        Self {
            ports: Arc::new(ports),
            clock,
            config: Arc::new(config),
            jobs: ScanJobs::new(probes),
        }
    }

    /// The agent binary offered under `name`, if any (only configured names are served).
    pub fn download(&self, name: &str) -> Option<&AgentDownload> {
        self.config.downloads.iter().find(|d| d.file_name == name)
    }

    /// The scans running in this process (for shutdown: cancel them all).
    pub fn scan_jobs(&self) -> &ScanJobs {
        &self.jobs
    }

    /// The sweep of scans no instance runs any more (see [`ScanSweeper`]).
    pub fn scan_sweeper(&self) -> ScanSweeper {
        ScanSweeper::new(
            Arc::clone(&self.ports),
            Arc::clone(&self.clock),
            self.config.scan_lease,
        )
    }
}
