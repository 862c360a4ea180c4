//! How the audit log's read errors answer.

use xdr_service::AuditError;

use super::ApiError;

impl From<AuditError> for ApiError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Forbidden => ApiError::forbidden(),
            AuditError::Internal(i) => i.into(),
        }
    }
}
