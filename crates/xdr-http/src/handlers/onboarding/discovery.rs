//! Discovery scans, their assets and the deployment plan.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::onboarding::AssetPriority;
use xdr_domain::ports::AssetFilter;
use xdr_domain::{FieldErrors, ScanId};

use crate::dto::onboarding::{
    AssetBody, AssetList, AssetQuery, DeploymentPlan, PlanItemBody, ScanBody, ScanList,
    ScanRequestBody, ScanStarted,
};
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Client};
use crate::handlers::query::{page_of, parse_opt};
use crate::state::AppState;

/// Start a scan: validated before any packet is sent, then run in the background.
#[utoipa::path(post, path = "/api/v1/onboarding/network-scan", tag = "onboarding",
    security(("bearer" = [])), request_body = ScanRequestBody,
    responses((status = 202, body = ScanStarted), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn start(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    body: web::Json<ScanRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner().into();
    let scan = state
        .onboarding
        .start_scan(&auth.principal, &client.0, &request)
        .await?;
    Ok(HttpResponse::Accepted().json(ScanStarted {
        scan_id: scan.id.as_uuid(),
    }))
}

/// One scan, with its progress while it runs.
#[utoipa::path(get, path = "/api/v1/onboarding/network-scan/{id}", tag = "onboarding",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Scan id")),
    responses((status = 200, body = ScanBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scan = state
        .onboarding
        .get_scan(&auth.principal, ScanId::from_uuid(id.into_inner()))
        .await?;
    Ok(HttpResponse::Ok().json(ScanBody::from(&scan)))
}

/// Cancel a queued or running scan.
#[utoipa::path(post, path = "/api/v1/onboarding/network-scan/{id}/cancel", tag = "onboarding",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Scan id")),
    responses((status = 202, body = ScanBody), (status = 404, body = ErrorBody)))]
pub async fn cancel(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scan = state
        .onboarding
        .cancel_scan(
            &auth.principal,
            &client.0,
            ScanId::from_uuid(id.into_inner()),
        )
        .await?;
    Ok(HttpResponse::Accepted().json(ScanBody::from(&scan)))
}

/// The organization's scans, newest first.
#[utoipa::path(get, path = "/api/v1/onboarding/network-scans", tag = "onboarding",
    security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = ScanList)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .onboarding
        .list_scans(&auth.principal, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(ScanList {
        items: page.items.iter().map(ScanBody::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Discovered assets, one per IP, newest first.
#[utoipa::path(get, path = "/api/v1/onboarding/scan-results", tag = "onboarding",
    security(("bearer" = [])), params(AssetQuery),
    responses((status = 200, body = AssetList), (status = 422, body = ErrorBody)))]
pub async fn results(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    query: web::Query<AssetQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut errors = FieldErrors::new();
    let priority: Option<AssetPriority> = parse_opt(
        &mut errors,
        "priority",
        query.priority.as_deref(),
        "must be one of critical, high, medium, low",
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let filter = AssetFilter {
        scan_id: query.scan_id.map(ScanId::from_uuid),
        priority,
    };
    let page = page_of(query.limit, query.cursor)?;
    let page = state
        .onboarding
        .list_assets(&auth.principal, filter, page)
        .await?;
    Ok(HttpResponse::Ok().json(AssetList {
        items: page.items.iter().map(AssetBody::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Which discovered hosts get an agent first, on which platform, and why.
#[utoipa::path(post, path = "/api/v1/onboarding/generate-deployment-plan", tag = "onboarding",
    security(("bearer" = [])), responses((status = 200, body = DeploymentPlan)))]
pub async fn deployment_plan(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
) -> Result<HttpResponse, ApiError> {
    let items = state.onboarding.deployment_plan(&auth.principal).await?;
    Ok(HttpResponse::Ok().json(DeploymentPlan {
        items: items.iter().map(PlanItemBody::from).collect(),
    }))
}
