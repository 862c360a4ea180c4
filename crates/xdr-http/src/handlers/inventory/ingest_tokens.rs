//! Ingest tokens of a log source (soc_lead): what agentless senders authenticate with.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::{IngestTokenId, LogSourceId};

use crate::dto::ingest::{CreateIngestTokenRequest, IngestTokenView, IssuedIngestTokenView};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Authorized, Client, SocLead};
use crate::state::AppState;

/// Issue an ingest token for the log source; the token is shown only in this answer.
#[utoipa::path(post, path = "/api/v1/log-sources/{id}/ingest-tokens", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Log source id")),
    request_body = CreateIngestTokenRequest,
    responses((status = 201, body = IssuedIngestTokenView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    client: Client,
    id: web::Path<Uuid>,
    body: web::Json<CreateIngestTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let source = LogSourceId::from_uuid(id.into_inner());
    let issued = state
        .ingest
        .issue_token(
            &auth.principal,
            &client.0,
            source,
            &body.into_inner().into(),
        )
        .await?;
    Ok(HttpResponse::Created().json(IssuedIngestTokenView::from(&issued)))
}

/// The log source's ingest tokens, newest first, without their secrets.
#[utoipa::path(get, path = "/api/v1/log-sources/{id}/ingest-tokens", tag = "inventory",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Log source id")),
    responses((status = 200, body = Vec<IngestTokenView>), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let source = LogSourceId::from_uuid(id.into_inner());
    let tokens = state.ingest.list_tokens(&auth.principal, source).await?;
    Ok(HttpResponse::Ok().json(tokens.iter().map(IngestTokenView::from).collect::<Vec<_>>()))
}

/// Revoke an ingest token: refused from the next request on.
#[utoipa::path(delete, path = "/api/v1/log-sources/{id}/ingest-tokens/{token_id}",
    tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Log source id"),
           ("token_id" = Uuid, Path, description = "Ingest token id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    client: Client,
    ids: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (source, token) = ids.into_inner();
    state
        .ingest
        .revoke_token(
            &auth.principal,
            &client.0,
            LogSourceId::from_uuid(source),
            IngestTokenId::from_uuid(token),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
