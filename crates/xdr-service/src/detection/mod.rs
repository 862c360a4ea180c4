//! Detection's use cases: ingest with detection, events, incidents, rules, dashboard.
//! Every call is scoped to the caller's organization and checks the caller's role.

mod incidents;
mod ingest;
mod rules;

pub use rules::RuleChange;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_domain::detection::IncidentStatus;
use xdr_domain::ports::{ContainmentRepository, DetectionRepository, ExecutorDirectory};
use xdr_domain::telemetry::Telemetry;
use xdr_domain::{Clock, FieldErrors, RepoError};

use xdr_auth::InternalError;

use crate::access::Forbidden;

pub use incidents::IncidentDetail;

/// Events shown with an incident's detail.
pub const INCIDENT_DETAIL_EVENTS: usize = 50;

#[derive(Debug, Error)]
pub enum DetectionError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("cannot change status from {from} to {to}")]
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for DetectionError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl DetectionError {
    pub(crate) fn transition(from: IncidentStatus, to: IncidentStatus) -> Self {
        Self::InvalidTransition {
            from: from.as_str(),
            to: to.as_str(),
        }
    }
}

pub struct DetectionService {
    repo: Arc<dyn DetectionRepository>,
    containment: Arc<dyn ContainmentRepository>,
    executors: Arc<dyn ExecutorDirectory>,
    clock: Arc<dyn Clock>,
    /// Counts the events `POST /events` stores and refuses, and the incidents they open.
    telemetry: Arc<Telemetry>,
}

impl fmt::Debug for DetectionService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DetectionService").finish_non_exhaustive()
    }
}

impl DetectionService {
    pub fn new(
        repo: Arc<dyn DetectionRepository>,
        containment: Arc<dyn ContainmentRepository>,
        executors: Arc<dyn ExecutorDirectory>,
        clock: Arc<dyn Clock>,
        telemetry: Arc<Telemetry>,
    ) -> Self {
        Self {
            telemetry,
            repo,
            containment,
            executors,
            clock,
        }
    }
}

impl From<Forbidden> for DetectionError {
    fn from(_: Forbidden) -> Self {
        Self::Forbidden
    }
}
