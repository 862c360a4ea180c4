//! How the webhook use cases' errors answer.

use xdr_service::WebhookError;

use super::ApiError;

impl From<WebhookError> for ApiError {
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::Validation(fields) => ApiError::validation(fields),
            WebhookError::Forbidden => ApiError::forbidden(),
            WebhookError::NotFound => ApiError::not_found(),
            WebhookError::Internal(i) => i.into(),
        }
    }
}
