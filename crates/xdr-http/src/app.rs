//! The actix application: routes, extractor configuration and middleware. The server and the
//! tests build it through [`app`], so tests exercise exactly what is served.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next, from_fn};
use actix_web::{App, Error, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::handlers::inventory::{log_sources, ml_models};
use crate::handlers::{
    audit, auth, containment, credentials, detection, health, invitations, organization, users,
    webhooks,
};
use crate::json;
use crate::metrics::Metrics;
use crate::openapi::ApiDoc;
use crate::state::AppState;

pub const OPENAPI_PATH: &str = "/api/openapi.json";

pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let body_limit = state.config.body_limit_bytes;
    let metrics = Arc::clone(&state.metrics);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(json::json_config(body_limit))
        .app_data(json::path_config())
        .app_data(json::query_config())
        .app_data(web::PayloadConfig::new(body_limit))
        .wrap(security_headers())
        .wrap(from_fn(move |req, next| {
            log_request(Arc::clone(&metrics), req, next)
        }))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .service(SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, ApiDoc::openapi()))
        .route("/docs", web::get().to(docs_redirect))
        .service(web::scope("/api/v1").configure(api_v1))
        .default_service(web::to(not_found))
}

fn api_v1(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/auth")
            .route("/register", web::post().to(auth::register))
            .route("/login", web::post().to(auth::login))
            .route("/refresh", web::post().to(auth::refresh))
            .route("/logout", web::post().to(auth::logout))
            .route("/logout-all", web::post().to(auth::logout_all))
            .route("/me", web::get().to(auth::me))
            .route("/me", web::patch().to(auth::update_me))
            .route("/change-password", web::post().to(auth::change_password))
            .route("/sessions", web::get().to(auth::list_sessions))
            .route("/sessions/{id}", web::delete().to(auth::revoke_session))
            .route("/accept-invitation", web::post().to(invitations::accept)),
    )
    .route("/invitations", web::post().to(invitations::create))
    .route("/invitations", web::get().to(invitations::list))
    .route("/invitations/{id}", web::delete().to(invitations::revoke))
    .route(
        "/invitations/{id}/resend",
        web::post().to(invitations::resend),
    )
    .route("/users", web::get().to(users::list))
    .route("/users/{id}", web::patch().to(users::update))
    .route("/events", web::post().to(detection::ingest))
    .route("/events", web::get().to(detection::list_events))
    .route("/incidents", web::get().to(detection::list_incidents))
    .route("/incidents/{id}", web::get().to(detection::get_incident))
    .route(
        "/incidents/{id}",
        web::patch().to(detection::update_incident),
    )
    .route("/detection-rules", web::get().to(detection::list_rules))
    .route(
        "/detection-rules/{rule}",
        web::get().to(detection::get_rule),
    )
    .route(
        "/detection-rules/{rule}",
        web::patch().to(detection::update_rule),
    )
    .route("/dashboard/summary", web::get().to(detection::dashboard))
    .route(
        "/incidents/{id}/actions",
        web::post().to(containment::take_action),
    )
    .route("/actions", web::get().to(containment::list_actions))
    .route(
        "/containment-policies",
        web::get().to(containment::list_policies),
    )
    .route(
        "/containment-policies",
        web::post().to(containment::create_policy),
    )
    .route(
        "/containment-policies/{id}",
        web::get().to(containment::get_policy),
    )
    .route(
        "/containment-policies/{id}",
        web::patch().to(containment::update_policy),
    )
    .route(
        "/containment-policies/{id}",
        web::delete().to(containment::delete_policy),
    )
    .route("/log-sources", web::get().to(log_sources::list))
    .route("/log-sources", web::post().to(log_sources::create))
    .route("/log-sources/{id}", web::get().to(log_sources::get))
    .route("/log-sources/{id}", web::patch().to(log_sources::update))
    .route("/log-sources/{id}", web::delete().to(log_sources::delete))
    .route("/ml-models", web::get().to(ml_models::list))
    .route("/ml-models", web::post().to(ml_models::create))
    .route("/ml-models/{id}", web::get().to(ml_models::get))
    .route("/ml-models/{id}", web::patch().to(ml_models::update))
    .route("/ml-models/{id}", web::delete().to(ml_models::delete))
    .route("/organization", web::get().to(organization::get))
    .route("/organization", web::patch().to(organization::update))
    .service(
        web::scope("/credentials")
            .route("", web::get().to(credentials::list))
            .route("", web::post().to(credentials::create))
            .route("/{id}", web::get().to(credentials::get))
            .route("/{id}", web::patch().to(credentials::update))
            .route("/{id}", web::delete().to(credentials::delete)),
    )
    .service(
        web::scope("/integrations/webhook")
            .route("", web::get().to(webhooks::get))
            .route("", web::put().to(webhooks::put))
            .route("", web::delete().to(webhooks::delete))
            .route("/rotate-secret", web::post().to(webhooks::rotate_secret)),
    )
    .route("/audit-logs", web::get().to(audit::list))
    .route("/audit-logs/export", web::get().to(audit::export))
    .route("/audit-logs/verify", web::get().to(audit::verify));
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .add((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .add((
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Unknown paths answer in the API's error shape. A known path with the wrong method lands
/// here too (404 rather than 405, so that probing reveals nothing beyond "not here").
async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found())
}

/// One structured log line per request (never bodies or headers: they carry secrets).
async fn log_request(
    metrics: Arc<Metrics>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    metrics.record(response.status().as_u16(), started.elapsed());
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    Ok(response)
}
