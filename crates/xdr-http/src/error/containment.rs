//! How containment's errors answer.

use xdr_service::ContainmentError;

use super::ApiError;

impl From<ContainmentError> for ApiError {
    fn from(e: ContainmentError) -> Self {
        match e {
            ContainmentError::Validation(fields) => ApiError::validation(fields),
            ContainmentError::Forbidden => ApiError::forbidden(),
            ContainmentError::NotFound => ApiError::not_found(),
            ContainmentError::PolicyExists => ApiError::conflict(
                "policy_exists",
                "That name is already used in your organization.",
            ),
            ContainmentError::Internal(i) => i.into(),
        }
    }
}
