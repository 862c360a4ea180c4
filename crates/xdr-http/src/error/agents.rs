//! How the agent use cases' errors answer. Every refused signature is the same 401; the
//! reason goes to the log only.

use actix_web::http::StatusCode;
use xdr_service::AgentError;

use super::ApiError;

impl From<AgentError> for ApiError {
    fn from(e: AgentError) -> Self {
        match e {
            AgentError::Validation(fields) => ApiError::validation(fields),
            AgentError::InvalidEnrollmentToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_enrollment_token",
                "The enrollment token is unknown, expired, used up or revoked.",
            ),
            AgentError::InvalidSignature(reason) => {
                tracing::info!(reason, "agent request refused");
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_signature",
                    "The request's agent signature is missing or invalid.",
                )
            }
            AgentError::CloneDetected => ApiError::conflict(
                "agent_clone_detected",
                "This agent's identity is in use by another instance; enroll this machine with \
                 its own token.",
            ),
            AgentError::Forbidden => ApiError::forbidden(),
            AgentError::NotFound => ApiError::not_found(),
            AgentError::Internal(i) => i.into(),
        }
    }
}
