//! `/api/v1/integrations/webhook`: the organization's webhook endpoint. soc_lead reads, admin
//! writes. The organization is the caller's; there is no id to guess.

use actix_web::{HttpResponse, web};

use crate::dto::webhooks::{PutWebhookRequest, WebhookView, WebhookWithSecret};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Client, SocLead};
use crate::state::AppState;

/// The organization's webhook (without its secret).
#[utoipa::path(get, path = "/api/v1/integrations/webhook", tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, body = WebhookView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = state.webhooks.get(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(WebhookView::from(&endpoint)))
}

/// Create the webhook (201, with its signing secret, shown only here) or replace its URL and
/// `enabled` flag (200, the secret is kept).
#[utoipa::path(put, path = "/api/v1/integrations/webhook", tag = "webhooks",
    security(("bearer" = [])), request_body = PutWebhookRequest,
    responses((status = 201, body = WebhookWithSecret), (status = 200, body = WebhookView),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Json<PutWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let configured = state
        .webhooks
        .put(&auth.principal, body.into_inner().into(), &client.0)
        .await?;
    Ok(match WebhookWithSecret::from_configured(&configured) {
        Some(created) if configured.created => HttpResponse::Created().json(created),
        _ => HttpResponse::Ok().json(WebhookView::from(&configured.endpoint)),
    })
}

/// Replace the signing secret; the new one is shown only in this response.
#[utoipa::path(post, path = "/api/v1/integrations/webhook/rotate-secret", tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, body = WebhookWithSecret), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let rotated = state
        .webhooks
        .rotate_secret(&auth.principal, &client.0)
        .await?;
    let body = WebhookWithSecret::from_configured(&rotated)
        .ok_or_else(|| ApiError::internal(&"rotation returned no secret"))?;
    Ok(HttpResponse::Ok().json(body))
}

/// Delete the webhook; actions are only recorded again.
#[utoipa::path(delete, path = "/api/v1/integrations/webhook", tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    state.webhooks.delete(&auth.principal, &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
