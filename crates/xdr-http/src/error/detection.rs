//! How detection's errors answer.

use xdr_service::DetectionError;

use super::ApiError;

impl From<DetectionError> for ApiError {
    fn from(e: DetectionError) -> Self {
        match e {
            DetectionError::Validation(fields) => ApiError::validation(fields),
            DetectionError::Forbidden => ApiError::forbidden(),
            DetectionError::NotFound => ApiError::not_found(),
            DetectionError::InvalidTransition { from, to } => ApiError::conflict(
                "invalid_transition",
                format!("An incident cannot go from {from} to {to}."),
            ),
            DetectionError::Internal(i) => i.into(),
        }
    }
}
