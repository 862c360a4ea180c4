//! Agentless ingest: ingest tokens of log sources (issued by a SOC lead, the secret shown
//! once), and what senders holding one push: Splunk HEC bodies and the original system's
//! `/ingest/multi` batches. Every event goes through validation, storage and detection as
//! `POST /events` does; a record that does not parse or validate is counted in its log
//! source's status and sampled as its last error, never dropped silently.

mod hec;
mod legacy;
mod pipeline;
mod tokens;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_auth::InternalError;
use xdr_domain::ports::{
    ContainmentRepository, DetectionRepository, ExecutorDirectory, IngestRepository,
};
use xdr_domain::{Clock, FieldErrors, RepoError};

pub use hec::HecQuery;
pub use legacy::{LegacyBatch, LegacyReport};
pub use pipeline::IngestReport;
pub use tokens::IssuedIngestToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestConfig {
    /// Most events (HEC envelopes, raw lines, legacy events) one request may carry.
    pub max_events_per_request: usize,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            max_events_per_request: 10_000,
        }
    }
}

#[derive(Debug, Error)]
pub enum IngestError {
    /// Unknown, revoked or expired token, or one of a disabled log source: one answer for all.
    #[error("invalid token")]
    InvalidToken,
    /// An empty body (HEC code 5).
    #[error("no data")]
    NoData,
    /// A body whose envelope at `index` cannot be read (HEC code 6); nothing was stored.
    #[error("invalid data format")]
    InvalidFormat { index: usize },
    #[error("more than {max} events in one request")]
    TooManyEvents { max: usize },
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for IngestError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<crate::access::Forbidden> for IngestError {
    fn from(_: crate::access::Forbidden) -> Self {
        Self::Forbidden
    }
}

/// What agentless ingest stores through: its own repository, and detection's and
/// containment's for the policies that act on what a request opened.
#[derive(Clone)]
pub struct IngestPorts {
    pub ingest: Arc<dyn IngestRepository>,
    pub detection: Arc<dyn DetectionRepository>,
    pub containment: Arc<dyn ContainmentRepository>,
    pub executors: Arc<dyn ExecutorDirectory>,
    /// Counts the events stored and refused and the incidents they open (source `hec`).
    pub telemetry: Arc<xdr_domain::telemetry::Telemetry>,
}

impl fmt::Debug for IngestPorts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestPorts").finish_non_exhaustive()
    }
}

pub struct IngestService {
    ports: Arc<IngestPorts>,
    clock: Arc<dyn Clock>,
    config: IngestConfig,
}

impl fmt::Debug for IngestService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IngestService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl IngestService {
    pub fn new(ports: IngestPorts, clock: Arc<dyn Clock>, config: IngestConfig) -> Self {
        Self {
            ports: Arc::new(ports),
            clock,
            config,
        }
    }
}
