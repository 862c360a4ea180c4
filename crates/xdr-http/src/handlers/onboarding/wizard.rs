//! The wizard: start, status, profile, validation, complete, skip.

use actix_web::{HttpResponse, web};
use xdr_domain::onboarding::Profile;

use crate::dto::onboarding::{CompleteRequest, ProfileBody, ValidationBody, WizardBody};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Client};
use crate::json::body_error;
use crate::state::AppState;

fn answer(view: &xdr_service::onboarding::WizardView) -> HttpResponse {
    HttpResponse::Ok().json(WizardBody::from(view))
}

/// Start the wizard (or resume a skipped one); starting again changes nothing.
#[utoipa::path(post, path = "/api/v1/onboarding/start", tag = "onboarding",
    security(("bearer" = [])),
    responses((status = 200, body = WizardBody), (status = 403, body = ErrorBody)))]
pub async fn start(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    Ok(answer(
        &state.onboarding.start(&auth.principal, &client.0).await?,
    ))
}

/// Where the wizard stands; steps that completed by themselves (a finished scan, a
/// reporting agent) are recorded first.
#[utoipa::path(get, path = "/api/v1/onboarding/status", tag = "onboarding",
    security(("bearer" = [])),
    responses((status = 200, body = WizardBody), (status = 403, body = ErrorBody)))]
pub async fn status(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    Ok(answer(
        &state.onboarding.status(&auth.principal, &client.0).await?,
    ))
}

/// The organization's profile: the wizard's first step.
#[utoipa::path(post, path = "/api/v1/onboarding/profile", tag = "onboarding",
    security(("bearer" = [])), request_body = ProfileBody,
    responses((status = 200, body = WizardBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn profile(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Json<ProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let profile = Profile::parse(&body.region, &body.industry, &body.company_size)
        .map_err(ApiError::validation)?;
    let view = state
        .onboarding
        .set_profile(&auth.principal, &client.0, profile)
        .await?;
    Ok(answer(&view))
}

/// Runs the checks that say the organization is protected.
#[utoipa::path(post, path = "/api/v1/onboarding/validation", tag = "onboarding",
    security(("bearer" = [])),
    responses((status = 200, body = ValidationBody), (status = 403, body = ErrorBody)))]
pub async fn validation(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
) -> Result<HttpResponse, ApiError> {
    let v = state.onboarding.validate(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(ValidationBody::from(&v)))
}

/// Finish the wizard: every check must pass, unless `force` (audited as forced). An empty
/// body is `{}`.
#[utoipa::path(post, path = "/api/v1/onboarding/complete", tag = "onboarding",
    security(("bearer" = [])), request_body = CompleteRequest,
    responses((status = 200, body = WizardBody), (status = 409, body = ErrorBody)))]
pub async fn complete(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: CompleteRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CompleteRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(body_error)?
    };
    let view = state
        .onboarding
        .complete(&auth.principal, &client.0, request.force)
        .await?;
    Ok(answer(&view))
}

/// Leave the wizard for later; the steps done so far are kept.
#[utoipa::path(post, path = "/api/v1/onboarding/skip", tag = "onboarding",
    security(("bearer" = [])),
    responses((status = 200, body = WizardBody), (status = 409, body = ErrorBody)))]
pub async fn skip(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    Ok(answer(
        &state.onboarding.skip(&auth.principal, &client.0).await?,
    ))
}
