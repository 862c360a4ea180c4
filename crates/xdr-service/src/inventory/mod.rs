//! Inventory use cases: log sources (soc_lead writes) and ML model records (admin writes).
//! Every call is scoped to the caller's organization and checks the caller's role; anyone in
//! the organization (viewer and up) reads.

mod log_sources;
mod ml_models;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_domain::identity::Role;
use xdr_domain::ports::InventoryRepository;
use xdr_domain::{Clock, Conflict, FieldErrors, RepoError};

use xdr_auth::InternalError;

#[derive(Debug, Error)]
pub enum InventoryError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("a log source with that name exists")]
    LogSourceExists,
    #[error("a model record with that name and version exists")]
    MlModelExists,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for InventoryError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(Conflict::LogSourceExists) => Self::LogSourceExists,
            RepoError::Conflict(Conflict::MlModelExists) => Self::MlModelExists,
            other => Self::Internal(InternalError::Storage(other)),
        }
    }
}

pub struct InventoryService {
    repo: Arc<dyn InventoryRepository>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for InventoryService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InventoryService").finish_non_exhaustive()
    }
}

impl InventoryService {
    pub fn new(repo: Arc<dyn InventoryRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }
}

/// Who may write each kind of record.
const LOG_SOURCE_WRITER: Role = Role::SocLead;
const ML_MODEL_WRITER: Role = Role::Admin;

impl From<crate::access::Forbidden> for InventoryError {
    fn from(_: crate::access::Forbidden) -> Self {
        Self::Forbidden
    }
}
