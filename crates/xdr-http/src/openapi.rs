//! The OpenAPI document, generated from the handlers' annotations so it matches the code.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers::inventory::{log_sources, ml_models};
use crate::handlers::{
    audit, auth, containment, credentials, detection, health, invitations, organization, users,
    webhooks,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Mini-XDR API", version = "1", description = "Multi-tenant XDR backend. The contract, with every decision, is docs/api.md in the repository."),
    paths(
        health::healthz, health::readyz, health::metrics,
        auth::register, auth::login, auth::refresh, auth::logout, auth::logout_all, auth::me,
        auth::update_me, auth::change_password, auth::list_sessions, auth::revoke_session,
        organization::get, organization::update,
        invitations::accept, invitations::create, invitations::list, invitations::revoke,
        invitations::resend, users::list, users::update,
        detection::ingest, detection::list_events, detection::list_incidents, detection::get_incident,
        detection::update_incident, detection::list_rules, detection::get_rule, detection::update_rule,
        detection::dashboard, containment::take_action, containment::list_actions,
        containment::list_policies, containment::create_policy, containment::get_policy,
        containment::update_policy, containment::delete_policy,
        credentials::list, credentials::create, credentials::get, credentials::update,
        credentials::delete,
        audit::list, audit::export, audit::verify,
        log_sources::list, log_sources::create, log_sources::get, log_sources::update,
        log_sources::delete,
        ml_models::list, ml_models::create, ml_models::get, ml_models::update, ml_models::delete,
        webhooks::get, webhooks::put, webhooks::rotate_secret, webhooks::delete,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "identity", description = "Registration, sign-in, tokens and sessions; the organization, its members and invitations"),
        (name = "audit", description = "The organization's tamper-evident audit log (admin)"),
        (name = "credentials", description = "The caller's cloud credentials (secrets sealed, never returned)"),
        (name = "detection", description = "Events, incidents, detection rules and the dashboard"),
        (name = "containment", description = "Containment actions, the action log and policies"),
        (name = "webhooks", description = "The organization's webhook for containment actions (signed deliveries)"),
        (name = "inventory", description = "Log sources and ML model registry records"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
pub struct ApiDoc;

#[derive(Debug)]
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
