//! The actix application: routes, extractor configuration and middleware. The server and the
//! tests build it through [`app`], so tests exercise exactly what is served.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpResponse, web};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::fallback;
use crate::handlers::inventory::{ingest_tokens, log_sources, ml_models};
use crate::handlers::onboarding::{discovery, tokens, wizard};
use crate::handlers::{
    agents, audit, auth, containment, credentials, detection, downloads, health, hec, invitations,
    legacy_ingest, organization, users, webhooks,
};
use crate::json;
use crate::middleware::cors::cors;
use crate::middleware::drain::close_when_draining;
use crate::middleware::request_id::with_request_id;
use crate::middleware::request_log::log_request;
use crate::middleware::security_headers::security_headers;
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
    app_with(state, |_| {})
}

/// The application with more routes (the web console's) under the same middleware: request
/// ids, logs, metrics, drain and security headers apply to them as to the API.
pub fn app_with(
    state: AppState,
    extra: impl FnOnce(&mut web::ServiceConfig),
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
    let trusted_proxies = Arc::new(state.config.trusted_proxies.clone());
    let cors_origins = Arc::new(state.config.cors_origins.clone());
    let drain = state.drain.clone();
    App::new()
        .app_data(web::Data::new(state))
        .app_data(json::json_config(body_limit))
        .app_data(json::path_config())
        .app_data(json::query_config())
        .app_data(web::PayloadConfig::new(body_limit))
        // Innermost first: the last `wrap` sees the request first (middleware/mod.rs).
        .wrap(from_fn(move |req, next| {
            cors(Arc::clone(&cors_origins), req, next)
        }))
        .wrap(from_fn(security_headers))
        .wrap(from_fn(move |req, next| {
            close_when_draining(drain.clone(), req, next)
        }))
        .wrap(from_fn(move |req, next| {
            log_request(Arc::clone(&metrics), req, next)
        }))
        .wrap(from_fn(move |req, next| {
            with_request_id(Arc::clone(&trusted_proxies), req, next)
        }))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/downloads/{file}", web::get().to(downloads::download))
        .configure(agentless_ingest)
        .service(SwaggerUi::new("/docs/{_:.*}").url(OPENAPI_PATH, ApiDoc::openapi()))
        .route("/docs", web::get().to(docs_redirect))
        .service(web::scope("/api/v1").configure(api_v1))
        .configure(extra)
        .default_service(web::to(fallback::fallback))
}

/// The API's routes, declared once: this table is served (`api_v1`) and listed
/// (`API_ROUTES`), and a test holds the list equal to the OpenAPI document's operations.
macro_rules! api_routes {
    ($($method:ident $path:literal => $handler:path,)*) => {
        fn api_v1(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }

        /// Every served operation under `/api/v1`: (method, path template).
        pub const API_ROUTES: &[(&str, &str)] = &[$((stringify!($method), concat!("/api/v1", $path)),)*];
    };
}

api_routes! {
    post "/auth/register" => auth::register,
    post "/auth/login" => auth::login,
    post "/auth/refresh" => auth::refresh,
    post "/auth/logout" => auth::logout,
    post "/auth/logout-all" => auth::logout_all,
    get "/auth/me" => auth::me,
    patch "/auth/me" => auth::update_me,
    post "/auth/change-password" => auth::change_password,
    get "/auth/sessions" => auth::list_sessions,
    delete "/auth/sessions/{id}" => auth::revoke_session,
    post "/auth/accept-invitation" => invitations::accept,
    get "/credentials" => credentials::list,
    post "/credentials" => credentials::create,
    get "/credentials/{id}" => credentials::get,
    patch "/credentials/{id}" => credentials::update,
    delete "/credentials/{id}" => credentials::delete,
    get "/integrations/webhook" => webhooks::get,
    put "/integrations/webhook" => webhooks::put,
    delete "/integrations/webhook" => webhooks::delete,
    post "/integrations/webhook/rotate-secret" => webhooks::rotate_secret,
    post "/invitations" => invitations::create,
    get "/invitations" => invitations::list,
    delete "/invitations/{id}" => invitations::revoke,
    post "/invitations/{id}/resend" => invitations::resend,
    get "/users" => users::list,
    patch "/users/{id}" => users::update,
    post "/events" => detection::ingest,
    get "/events" => detection::list_events,
    get "/incidents" => detection::list_incidents,
    get "/incidents/{id}" => detection::get_incident,
    patch "/incidents/{id}" => detection::update_incident,
    get "/detection-rules" => detection::list_rules,
    get "/detection-rules/{rule}" => detection::get_rule,
    patch "/detection-rules/{rule}" => detection::update_rule,
    get "/dashboard/summary" => detection::dashboard,
    post "/incidents/{id}/actions" => containment::take_action,
    get "/actions" => containment::list_actions,
    get "/containment-policies" => containment::list_policies,
    post "/containment-policies" => containment::create_policy,
    get "/containment-policies/{id}" => containment::get_policy,
    patch "/containment-policies/{id}" => containment::update_policy,
    delete "/containment-policies/{id}" => containment::delete_policy,
    get "/log-sources" => log_sources::list,
    post "/log-sources" => log_sources::create,
    get "/log-sources/{id}" => log_sources::get,
    patch "/log-sources/{id}" => log_sources::update,
    delete "/log-sources/{id}" => log_sources::delete,
    post "/log-sources/{id}/ingest-tokens" => ingest_tokens::create,
    get "/log-sources/{id}/ingest-tokens" => ingest_tokens::list,
    delete "/log-sources/{id}/ingest-tokens/{token_id}" => ingest_tokens::revoke,
    get "/ml-models" => ml_models::list,
    post "/ml-models" => ml_models::create,
    get "/ml-models/{id}" => ml_models::get,
    patch "/ml-models/{id}" => ml_models::update,
    delete "/ml-models/{id}" => ml_models::delete,
    get "/organization" => organization::get,
    patch "/organization" => organization::update,
    get "/audit-logs" => audit::list,
    get "/audit-logs/export" => audit::export,
    get "/audit-logs/verify" => audit::verify,
    post "/agents/enroll" => agents::enroll,
    post "/agents/heartbeat" => agents::heartbeat,
    post "/agents/events" => agents::events,
    post "/agents/rotate-secret" => agents::rotate_secret,
    post "/agents/unenroll" => agents::unenroll,
    get "/agents" => agents::list,
    get "/agents/{id}" => agents::get,
    delete "/agents/{id}" => agents::revoke,
    post "/onboarding/start" => wizard::start,
    get "/onboarding/status" => wizard::status,
    post "/onboarding/profile" => wizard::profile,
    post "/onboarding/validation" => wizard::validation,
    post "/onboarding/complete" => wizard::complete,
    post "/onboarding/skip" => wizard::skip,
    post "/onboarding/network-scan" => discovery::start,
    get "/onboarding/network-scan/{id}" => discovery::get,
    post "/onboarding/network-scan/{id}/cancel" => discovery::cancel,
    get "/onboarding/network-scans" => discovery::list,
    get "/onboarding/scan-results" => discovery::results,
    post "/onboarding/generate-deployment-plan" => discovery::deployment_plan,
    post "/onboarding/generate-agent-token" => tokens::issue,
    get "/onboarding/enrollment-tokens" => tokens::list,
    delete "/onboarding/enrollment-tokens/{id}" => tokens::revoke,
    get "/onboarding/enrolled-agents" => tokens::enrolled_agents,
}

/// Operations served outside `/api/v1` that the OpenAPI document describes too.
pub const OPERATIONAL_ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/downloads/{file}"),
    ("post", "/services/collector/event"),
    ("post", "/services/collector/raw"),
    ("get", "/services/collector/health"),
    ("post", "/ingest/multi"),
];

/// Agentless ingest outside `/api/v1`, where senders expect it: HEC's paths (with the aliases
/// Splunk serves and senders use: `/services/collector` and the `/1.0` forms; Vector checks
/// `/services/collector/health/1.0`) and the original system's `/ingest/multi`.
fn agentless_ingest(cfg: &mut web::ServiceConfig) {
    for path in [
        "/services/collector/event",
        "/services/collector/event/1.0",
        "/services/collector",
    ] {
        cfg.route(path, web::post().to(hec::event));
    }
    for path in ["/services/collector/raw", "/services/collector/raw/1.0"] {
        cfg.route(path, web::post().to(hec::raw));
    }
    for path in [
        "/services/collector/health",
        "/services/collector/health/1.0",
    ] {
        cfg.route(path, web::get().to(hec::health));
    }
    cfg.route("/ingest/multi", web::post().to(legacy_ingest::multi));
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use utoipa::OpenApi;

    use super::{API_ROUTES, OPERATIONAL_ROUTES};
    use crate::openapi::ApiDoc;

    #[test]
    fn served_routes_and_the_openapi_document_list_the_same_operations() {
        let served: BTreeSet<(String, String)> = API_ROUTES
            .iter()
            .chain(OPERATIONAL_ROUTES)
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(
            served.len(),
            API_ROUTES.len() + OPERATIONAL_ROUTES.len(),
            "no duplicates"
        );
        let doc = ApiDoc::openapi();
        let documented: BTreeSet<(String, String)> = doc
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                let mut ops = Vec::new();
                for (method, op) in [
                    ("get", &item.get),
                    ("post", &item.post),
                    ("put", &item.put),
                    ("patch", &item.patch),
                    ("delete", &item.delete),
                ] {
                    if op.is_some() {
                        ops.push((method.to_owned(), path.clone()));
                    }
                }
                ops
            })
            .collect();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let unserved: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty(),
            "served but not in the OpenAPI document: {undocumented:?}"
        );
        assert!(
            unserved.is_empty(),
            "in the OpenAPI document but not served: {unserved:?}"
        );
    }
}
