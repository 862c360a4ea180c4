//! How the sign-in (`xdr-auth`) and administration (`xdr-service`) errors answer.

use xdr_auth::{
    AcceptInvitationError, AccountError, AuthenticateError, LoginError, RefreshError, RegisterError,
};
use xdr_service::AdminError;

use super::ApiError;

impl From<RegisterError> for ApiError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Validation(fields) => ApiError::validation(fields),
            RegisterError::EmailTaken => {
                ApiError::conflict("email_taken", "That email address is already registered.")
            }
            RegisterError::OrganizationExists => ApiError::conflict(
                "organization_exists",
                "An organization with that name already exists.",
            ),
            RegisterError::Internal(i) => i.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::InvalidCredentials => ApiError::invalid_credentials(),
            LoginError::Locked {
                retry_after_seconds,
            } => ApiError::locked(retry_after_seconds),
            LoginError::Busy {
                retry_after_seconds,
            } => ApiError::sign_in_busy(retry_after_seconds),
            LoginError::Internal(i) => i.into(),
        }
    }
}

impl From<RefreshError> for ApiError {
    fn from(e: RefreshError) -> Self {
        match e {
            RefreshError::Invalid | RefreshError::ReuseDetected => ApiError::unauthorized(),
            RefreshError::Internal(i) => i.into(),
        }
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(e: AuthenticateError) -> Self {
        match e {
            AuthenticateError::Unauthorized => ApiError::unauthorized(),
            AuthenticateError::Internal(i) => i.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Validation(fields) => ApiError::validation(fields),
            AccountError::NotFound => ApiError::not_found(),
            AccountError::Locked {
                retry_after_seconds,
            } => ApiError::locked(retry_after_seconds),
            AccountError::Busy {
                retry_after_seconds,
            } => ApiError::sign_in_busy(retry_after_seconds),
            AccountError::Internal(i) => i.into(),
        }
    }
}

impl From<AcceptInvitationError> for ApiError {
    fn from(e: AcceptInvitationError) -> Self {
        match e {
            AcceptInvitationError::NotFound => ApiError::not_found(),
            AcceptInvitationError::Validation(fields) => ApiError::validation(fields),
            AcceptInvitationError::EmailTaken => {
                ApiError::conflict("email_taken", "A user with that email already exists.")
            }
            AcceptInvitationError::Internal(i) => i.into(),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Validation(fields) => ApiError::validation(fields),
            AdminError::NotFound => ApiError::not_found(),
            AdminError::Forbidden => ApiError::forbidden(),
            AdminError::EmailTaken => {
                ApiError::conflict("email_taken", "A user with that email already exists.")
            }
            AdminError::InvitationPending => ApiError::conflict(
                "invitation_pending",
                "An invitation for that email is already pending.",
            ),
            AdminError::LastAdmin => ApiError::conflict(
                "last_admin",
                "The organization must keep at least one active admin.",
            ),
            AdminError::OrganizationExists => ApiError::conflict(
                "organization_exists",
                "An organization with that name already exists.",
            ),
            AdminError::Internal(i) => i.into(),
        }
    }
}
