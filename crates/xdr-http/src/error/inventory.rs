//! How the inventory use cases' errors answer.

use xdr_service::InventoryError;

use super::ApiError;

impl From<InventoryError> for ApiError {
    fn from(e: InventoryError) -> Self {
        match e {
            InventoryError::Validation(fields) => ApiError::validation(fields),
            InventoryError::Forbidden => ApiError::forbidden(),
            InventoryError::NotFound => ApiError::not_found(),
            InventoryError::LogSourceExists => ApiError::conflict(
                "log_source_exists",
                "A log source with that name already exists.",
            ),
            InventoryError::MlModelExists => ApiError::conflict(
                "ml_model_exists",
                "A model record with that name and version already exists.",
            ),
            InventoryError::Internal(i) => i.into(),
        }
    }
}
