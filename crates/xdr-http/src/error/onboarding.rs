//! How the onboarding use cases' errors answer (API.md, "Onboarding").

use serde_json::json;
use xdr_domain::onboarding::WizardError;
use xdr_service::OnboardingError;

use super::ApiError;

impl From<OnboardingError> for ApiError {
    fn from(e: OnboardingError) -> Self {
        match e {
            OnboardingError::Validation(fields) => ApiError::validation(fields),
            OnboardingError::Wizard(w) => wizard(&w),
            OnboardingError::ScanRunning => ApiError::conflict(
                "scan_running",
                "A discovery scan of this organization is already running; wait for it or \
                 cancel it.",
            ),
            OnboardingError::Forbidden => ApiError::forbidden(),
            OnboardingError::NotFound => ApiError::not_found(),
            OnboardingError::Internal(i) => i.into(),
        }
    }
}

fn wizard(e: &WizardError) -> ApiError {
    match e {
        WizardError::NotStarted => ApiError::conflict(
            "onboarding_not_started",
            "Onboarding has not been started: POST /api/v1/onboarding/start first.",
        ),
        WizardError::AlreadyCompleted => {
            ApiError::conflict("onboarding_completed", "Onboarding is already completed.")
        }
        WizardError::StepOutOfOrder { due } => {
            ApiError::conflict("step_out_of_order", format!("The {due} step is due first."))
                .with_details(json!({ "due_step": due.as_str() }))
        }
        WizardError::ValidationFailed => ApiError::conflict(
            "validation_failed",
            "Validation has not passed; fix the failing checks of POST \
             /api/v1/onboarding/validation or complete with force.",
        ),
    }
}
