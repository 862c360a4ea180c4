//! Errors of the identity use cases: one enum per operation, sharing one internal-failure type.

use thiserror::Error;
use xdr_domain::secrets::SealError;
use xdr_domain::{FieldErrors, RepoError};

use crate::jwt::TokenError;
use crate::password::PasswordHashError;

/// Something broke that the caller cannot fix; logged in full, shown as a generic 500 (or 503
/// when storage is unavailable).
#[derive(Debug, Error)]
pub enum InternalError {
    #[error(transparent)]
    Storage(#[from] RepoError),
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Token(#[from] TokenError),
    /// Sealing a secret failed (opening failures are reported per record, not as errors).
    #[error(transparent)]
    Sealing(#[from] SealError),
}

#[derive(Debug, Error)]
pub enum RegisterError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("email already registered")]
    EmailTaken,
    #[error("organization already exists")]
    OrganizationExists,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

#[derive(Debug, Error)]
pub enum LoginError {
    /// Unknown email, wrong password and deactivated user all look the same.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account locked")]
    Locked { retry_after_seconds: u64 },
    /// Every password check the lockout allows for this account is in flight: retry soon.
    #[error("sign-in attempts in progress")]
    Busy { retry_after_seconds: u64 },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

#[derive(Debug, Error)]
pub enum RefreshError {
    /// Unknown, expired or revoked refresh token, or a user that can no longer sign in.
    #[error("invalid refresh token")]
    Invalid,
    /// An already-rotated token was presented: the whole session has been revoked.
    #[error("refresh token reuse detected")]
    ReuseDetected,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

#[derive(Debug, Error)]
pub enum AuthenticateError {
    #[error("unauthorized")]
    Unauthorized,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// Errors of the signed-in user's own operations (profile, password, sessions).
#[derive(Debug, Error)]
pub enum AccountError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("account locked")]
    Locked { retry_after_seconds: u64 },
    /// Every password check the lockout allows for this account is in flight: retry soon.
    #[error("sign-in attempts in progress")]
    Busy { retry_after_seconds: u64 },
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// Errors of accepting an invitation.
#[derive(Debug, Error)]
pub enum AcceptInvitationError {
    /// Unknown, used, expired or revoked token.
    #[error("invitation not found")]
    NotFound,
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("email already belongs to a user")]
    EmailTaken,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

macro_rules! internal_from {
    ($($error:ident),*) => {$(
        impl From<RepoError> for $error {
            fn from(e: RepoError) -> Self {
                Self::Internal(InternalError::Storage(e))
            }
        }
        impl From<PasswordHashError> for $error {
            fn from(e: PasswordHashError) -> Self {
                Self::Internal(InternalError::Hashing(e))
            }
        }
        impl From<TokenError> for $error {
            fn from(e: TokenError) -> Self {
                Self::Internal(InternalError::Token(e))
            }
        }
    )*};
}

internal_from!(
    RegisterError,
    LoginError,
    RefreshError,
    AuthenticateError,
    AccountError,
    AcceptInvitationError
);
