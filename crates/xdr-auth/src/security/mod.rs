//! The XDR core's use cases: ingest with detection, events, incidents, rules, dashboard.
//! Every call is scoped to the caller's organization and checks the caller's role.

mod containment;
mod executors;
mod incidents;
mod ingest;
mod rules;

pub use rules::RuleChange;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_domain::identity::Role;
use xdr_domain::ports::{ContainmentRepository, ExecutorDirectory, SecurityRepository};
use xdr_domain::security::IncidentStatus;
use xdr_domain::{Clock, FieldErrors, RepoError};

use crate::error::InternalError;
use crate::principal::Principal;

pub use containment::PolicyInput;
pub use executors::{ContainmentExecutors, RecordExecutor};
pub use incidents::IncidentDetail;

/// Events shown with an incident's detail.
pub const INCIDENT_DETAIL_EVENTS: usize = 50;

#[derive(Debug, Error)]
pub enum SecurityError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A uniqueness rule: the code names it (e.g. `policy_exists`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("cannot change status from {from} to {to}")]
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for SecurityError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl SecurityError {
    pub(crate) fn transition(from: IncidentStatus, to: IncidentStatus) -> Self {
        Self::InvalidTransition {
            from: from.as_str(),
            to: to.as_str(),
        }
    }
}

pub struct SecurityService {
    repo: Arc<dyn SecurityRepository>,
    containment: Arc<dyn ContainmentRepository>,
    executors: Arc<dyn ExecutorDirectory>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for SecurityService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurityService").finish_non_exhaustive()
    }
}

impl SecurityService {
    pub fn new(
        repo: Arc<dyn SecurityRepository>,
        containment: Arc<dyn ContainmentRepository>,
        executors: Arc<dyn ExecutorDirectory>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repo,
            containment,
            executors,
            clock,
        }
    }
}

fn require(principal: &Principal, role: Role) -> Result<(), SecurityError> {
    if principal.role.satisfies(role) {
        Ok(())
    } else {
        Err(SecurityError::Forbidden)
    }
}
