//! Reading an organization's audit log (admin): list, export (in [`export`]), and verify
//! the hash chain.
//! Entries are written by the repositories of the changes they record, not here.

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_auth::{InternalError, Principal, blocking};
use xdr_domain::RepoError;
use xdr_domain::audit::{AuditCursor, AuditFilter, AuditPage, AuditVerification};
use xdr_domain::identity::Role;
use xdr_domain::ports::AuditLogRepository;

use crate::access::{Forbidden, require};

mod export;

pub use export::{AuditExport, ExportAborted, ExportFormat};

/// Who may read the audit log.
const AUDIT_READER: Role = Role::Admin;

#[derive(Debug, Error)]
pub enum AuditError {
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for AuditError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<Forbidden> for AuditError {
    fn from(_: Forbidden) -> Self {
        Self::Forbidden
    }
}

pub struct AuditService {
    repo: Arc<dyn AuditLogRepository>,
}

impl fmt::Debug for AuditService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditService").finish_non_exhaustive()
    }
}

impl AuditService {
    pub fn new(repo: Arc<dyn AuditLogRepository>) -> Self {
        Self { repo }
    }

    /// Entries matching `filter`, newest first, at most `limit`, after `cursor`.
    pub async fn list(
        &self,
        principal: &Principal,
        filter: AuditFilter,
        cursor: Option<AuditCursor>,
        limit: usize,
    ) -> Result<AuditPage, AuditError> {
        require(principal, AUDIT_READER)?;
        let (repo, org) = (Arc::clone(&self.repo), principal.organization_id);
        Ok(blocking::run(move || repo.list(org, &filter, cursor, limit)).await?)
    }

    /// Walks the organization's hash chain and reports the first broken link.
    pub async fn verify(&self, principal: &Principal) -> Result<AuditVerification, AuditError> {
        require(principal, AUDIT_READER)?;
        let (repo, org) = (Arc::clone(&self.repo), principal.organization_id);
        Ok(blocking::run(move || repo.verify(org)).await?)
    }

    /// Operator metrics (no caller: `/metrics` is the operator's): entries ever appended, in
    /// every organization.
    pub async fn entries_written(&self) -> Result<u64, AuditError> {
        let repo = Arc::clone(&self.repo);
        Ok(blocking::run(move || repo.entries_written()).await?)
    }
}
