//! The OpenAPI document, generated from the handlers' annotations so it matches the code.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

mod error_responses;

use error_responses::ErrorResponses;

use crate::handlers::inventory::{ingest_tokens, log_sources, ml_models};
use crate::handlers::onboarding::{discovery, tokens, wizard};
use crate::handlers::{
    agents, audit, auth, containment, credentials, detection, downloads, health, hec, invitations,
    legacy_ingest, organization, users, webhooks,
};

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Mini-XDR API", version = "1", description = "Multi-tenant XDR backend. The contract, with every decision, is docs/api.md in the repository."),
    paths(
        health::healthz, health::readyz, health::metrics, downloads::download,
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
        log_sources::delete, ingest_tokens::create, ingest_tokens::list, ingest_tokens::revoke,
        hec::event, hec::raw, hec::health, legacy_ingest::multi,
        ml_models::list, ml_models::create, ml_models::get, ml_models::update, ml_models::delete,
        webhooks::get, webhooks::put, webhooks::rotate_secret, webhooks::delete,
        agents::enroll, agents::heartbeat, agents::events, agents::rotate_secret,
        agents::unenroll, agents::list, agents::get, agents::revoke,
        wizard::start, wizard::status, wizard::profile, wizard::validation, wizard::complete,
        wizard::skip, discovery::start, discovery::get, discovery::cancel, discovery::list,
        discovery::results, discovery::deployment_plan, tokens::issue, tokens::list,
        tokens::revoke, tokens::enrolled_agents,
    ),
    modifiers(&BearerAuth, &ErrorResponses),
    tags(
        (name = "identity", description = "Registration, sign-in, tokens and sessions; the organization, its members and invitations"),
        (name = "audit", description = "The organization's tamper-evident audit log (admin)"),
        (name = "credentials", description = "The caller's cloud credentials (secrets sealed, never returned)"),
        (name = "detection", description = "Events, incidents, detection rules and the dashboard"),
        (name = "containment", description = "Containment actions, the action log and policies"),
        (name = "webhooks", description = "The organization's webhook for containment actions (signed deliveries)"),
        (name = "inventory", description = "Log sources and ML model registry records"),
        (name = "onboarding", description = "The onboarding wizard, discovery scans and their assets, the deployment plan and enrollment tokens (admin)"),
        (name = "agents", description = "Agent enrollment, the signed agent routes (X-Agent-Id, X-Timestamp, X-Nonce, X-Signature) and the organization's agents"),
        (name = "ingest", description = "Agentless ingest with a log source's ingest token: Splunk's HTTP Event Collector and the original system's /ingest/multi (docs/ingest.md)"),
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
        // HMAC-SHA-256 over method, path, timestamp, nonce and body hash (docs/api.md,
        // "Signed requests"); the other three headers go with it.
        components.add_security_scheme(
            "agent_signature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Signature",
                "Lower-case hex HMAC-SHA-256 with the agent secret; with X-Agent-Id, \
                 X-Timestamp and X-Nonce (docs/api.md, Signed requests)",
            ))),
        );
        // An ingest token, as HEC senders present it.
        components.add_security_scheme(
            "splunk",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Splunk <ingest token>` (or `Bearer <ingest token>`): a log source's ingest \
                 token (docs/ingest.md)",
            ))),
        );
    }
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;
    use utoipa::openapi::path::ParameterIn;

    use super::ApiDoc;

    /// Every status an operation can answer is in the document (issue 13 item 10): the shared
    /// errors are on every operation they apply to.
    #[test]
    fn every_operation_documents_the_shared_errors() {
        let doc = ApiDoc::openapi();
        let mut checked = 0;
        for (path, item) in &doc.paths.paths {
            let operations = [&item.get, &item.put, &item.post, &item.patch, &item.delete];
            for operation in operations.into_iter().flatten() {
                let has = |status: &str| operation.responses.responses.contains_key(status);
                let name = format!("{path} {:?}", operation.operation_id);
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    assert!(has("401"), "{name} lacks 401");
                }
                if operation.request_body.is_some() {
                    for status in ["400", "413", "422"] {
                        assert!(has(status), "{name} lacks {status}");
                    }
                }
                let params = operation.parameters.iter().flatten();
                if params.clone().any(|p| p.parameter_in == ParameterIn::Query) {
                    assert!(has("422"), "{name} lacks 422");
                }
                if params.clone().any(|p| p.parameter_in == ParameterIn::Path) {
                    assert!(has("404"), "{name} lacks 404");
                }
                if path.starts_with("/api/v1/") {
                    assert!(has("503"), "{name} lacks 503");
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} operations found");
        let components = doc.components.expect("components");
        assert!(components.responses.contains_key("Unauthorized"));
    }
}
