//! Organization and member administration: the caller's organization, its members and their
//! access, and invitations. (Signing in, sessions and accepting an invitation are `xdr-auth`.)

mod invitations;
mod members;
mod organization;

use std::fmt;
use std::sync::Arc;

use thiserror::Error;
use xdr_auth::{AuthService, InternalError};
use xdr_domain::ports::{InvitationRepository, OrganizationRepository, UserRepository};
use xdr_domain::{Clock, FieldErrors, RepoError};

use crate::access::Forbidden;

pub use invitations::IssuedInvitation;

/// Errors of administering an organization, its members and invitations.
#[derive(Debug, Error)]
pub enum AdminError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The caller's role is below what the operation needs.
    #[error("forbidden")]
    Forbidden,
    #[error("email already belongs to a user")]
    EmailTaken,
    #[error("an invitation for this email is already pending")]
    InvitationPending,
    #[error("the organization must keep an active admin")]
    LastAdmin,
    #[error("organization already exists")]
    OrganizationExists,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for AdminError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<Forbidden> for AdminError {
    fn from(_: Forbidden) -> Self {
        Self::Forbidden
    }
}

/// The storage administration needs.
#[derive(Clone)]
pub struct AdminStore {
    pub organizations: Arc<dyn OrganizationRepository>,
    pub users: Arc<dyn UserRepository>,
    pub invitations: Arc<dyn InvitationRepository>,
}

impl fmt::Debug for AdminStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminStore").finish_non_exhaustive()
    }
}

/// Organization and member administration. Ends a member's cached sessions through the
/// sign-in service when their access changes.
pub struct AdminService {
    organizations: Arc<dyn OrganizationRepository>,
    users: Arc<dyn UserRepository>,
    invitations: Arc<dyn InvitationRepository>,
    auth: Arc<AuthService>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for AdminService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminService").finish_non_exhaustive()
    }
}

impl AdminService {
    pub fn new(store: AdminStore, auth: Arc<AuthService>, clock: Arc<dyn Clock>) -> Self {
        Self {
            organizations: store.organizations,
            users: store.users,
            invitations: store.invitations,
            auth,
            clock,
        }
    }
}
