//! The OpenAPI document, generated from the handlers' annotations so it matches the code.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers::{audit, auth, health, organization};

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Mini-XDR API", version = "1", description = "Multi-tenant XDR backend (API.md)."),
    paths(
        health::healthz, health::readyz,
        auth::register, auth::login, auth::refresh, auth::logout, auth::logout_all, auth::me,
        auth::update_me, auth::change_password, auth::list_sessions, auth::revoke_session,
        organization::get, organization::update,
        audit::list, audit::export, audit::verify,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, sign-in, tokens and sessions"),
        (name = "organization", description = "The caller's organization"),
        (name = "audit", description = "The organization's tamper-evident audit log (admin)"),
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
