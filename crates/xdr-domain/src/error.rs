//! Errors that storage adapters report through the ports.

use thiserror::Error;

/// A uniqueness rule the storage refused to break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    EmailTaken,
    OrganizationExists,
    /// The organization already has an open invitation for that email.
    InvitationPending,
    /// The organization already has a log source with that name.
    LogSourceExists,
    /// The organization already has a model record with that name and version.
    MlModelExists,
    /// The organization already has a containment policy with that name.
    PolicyExists,
    /// The organization already has a queued or running discovery scan.
    ScanRunning,
    /// Another unique constraint; the name is for logs only.
    Other(String),
}

#[derive(Debug, Error)]
pub enum RepoError {
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The database could not be reached or the pool is exhausted.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back into a valid domain value.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    #[error("storage error: {0}")]
    Internal(String),
}
