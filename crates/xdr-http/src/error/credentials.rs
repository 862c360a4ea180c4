//! How the credential use cases' errors answer.

use xdr_service::CredentialError;

use super::ApiError;

impl From<CredentialError> for ApiError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Validation(fields) => ApiError::validation(fields),
            CredentialError::NotFound => ApiError::not_found(),
            CredentialError::Undecryptable => ApiError::internal(&e),
            CredentialError::Internal(i) => i.into(),
        }
    }
}
