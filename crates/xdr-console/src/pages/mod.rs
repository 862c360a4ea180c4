//! The console's pages, one module per area, and the routes that serve them.

use actix_web::web;

use crate::assets;
use crate::error::ConsoleError;

mod agents;
mod audit;
mod audit_export;
mod credentials;
mod dashboard;
mod entry;
mod events;
mod format;
mod incident;
mod incidents;
mod invitation;
mod log_sources;
mod onboarding;
mod register;
mod settings;
mod sign_in;
mod users;

/// Largest form a page accepts (the longest field is an incident note of 4,000 characters).
const FORM_LIMIT: usize = 64 * 1024;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(FORM_LIMIT)
            .error_handler(|e, _| {
                ConsoleError::BadRequest(format!("The form could not be read: {e}")).into()
            }),
    )
    .route("/", web::get().to(dashboard::show))
    .route("/login", web::get().to(sign_in::form))
    .route("/login", web::post().to(sign_in::submit))
    .route("/logout", web::post().to(sign_in::logout))
    .route("/register", web::get().to(register::form))
    .route("/register", web::post().to(register::submit))
    .route("/incidents", web::get().to(incidents::list))
    .route("/incidents/{id}", web::get().to(incident::show))
    .route("/incidents/{id}", web::post().to(incident::update))
    .route("/incidents/{id}/actions", web::post().to(incident::act))
    .route("/log-sources", web::get().to(log_sources::list))
    .route("/log-sources", web::post().to(log_sources::create))
    .route("/log-sources/{id}", web::get().to(log_sources::show))
    .route(
        "/log-sources/{id}/tokens",
        web::post().to(log_sources::issue),
    )
    .route(
        "/log-sources/{id}/tokens/{token}/revoke",
        web::post().to(log_sources::revoke),
    )
    .route("/credentials", web::get().to(credentials::list))
    .route("/credentials", web::post().to(credentials::create))
    .route(
        "/credentials/{id}/delete",
        web::post().to(credentials::delete),
    )
    .route("/settings", web::get().to(settings::show))
    .route("/settings/organization", web::post().to(settings::rename))
    .route("/settings/rules/{rule}", web::post().to(settings::tune))
    .route("/events", web::get().to(events::list))
    .route("/agents", web::get().to(agents::list))
    .route("/agents/{id}/revoke", web::post().to(agents::revoke))
    .route("/users", web::get().to(users::list))
    .route("/users/invitations", web::post().to(users::invite))
    .route(
        "/users/invitations/{id}/revoke",
        web::post().to(users::revoke),
    )
    .route("/accept-invitation", web::get().to(invitation::form))
    .route("/accept-invitation", web::post().to(invitation::submit))
    .route("/audit", web::get().to(audit::list))
    .route("/audit/export", web::get().to(audit_export::download))
    .route("/onboarding", web::get().to(onboarding::show))
    .route("/onboarding/{action}", web::post().to(onboarding::act))
    .route("/assets/{file}", web::get().to(assets::serve));
}

/// The record id in a path: what is not a UUID names nothing (404).
pub(crate) fn path_id(raw: &str) -> Result<uuid::Uuid, ConsoleError> {
    raw.parse().map_err(|_| ConsoleError::NotFound)
}

/// A form that carries only its CSRF token.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct CsrfForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    pub(crate) csrf: String,
}
