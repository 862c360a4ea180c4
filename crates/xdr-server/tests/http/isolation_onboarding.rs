//! The isolation matrix's part for onboarding and agents: organization B's scan, enrollment
//! token and agent (their ids for the by-id routes), sample bodies, and the routes that are
//! not the caller's tenant data or whose answer depends on the caller's own wizard state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{Value, json};

use crate::common::onboarding::{ONBOARDING, enroll_body};
use crate::common::{Registered, post, post_empty, send};

/// Routes without a user's tenant data: the agent's own routes (token or signature only; a
/// user's token is refused there, see agents_access.rs) and the agent downloads.
pub const NOT_TENANT_ROUTES: &[(&str, &str, &str)] = &[
    (
        "post",
        "/api/v1/agents/enroll",
        "the enrollment token alone names the organization",
    ),
    ("post", "/api/v1/agents/heartbeat", "agent signature only"),
    ("post", "/api/v1/agents/events", "agent signature only"),
    (
        "post",
        "/api/v1/agents/rotate-secret",
        "agent signature only",
    ),
    ("post", "/api/v1/agents/unenroll", "agent signature only"),
    (
        "get",
        "/downloads/{file}",
        "the agent binaries, the same for everyone",
    ),
];

/// Routes whose answer to A may be 409 because of A's own wizard (e.g. completing before the
/// validation step is due); the body must still show nothing of B.
pub const WIZARD_STATE_ROUTES: &[(&str, &str)] = &[("post", "/api/v1/onboarding/complete")];

pub fn sample_body(method: &str, path: &str) -> Option<Value> {
    let body = match (method, path) {
        ("post", "/api/v1/onboarding/profile") => {
            json!({"region": "eu-west", "industry": "finance", "company_size": "1-50"})
        }
        ("post", "/api/v1/onboarding/complete") => json!({"force": true}),
        ("post", "/api/v1/onboarding/network-scan") => {
            json!({"network_ranges": ["127.0.0.1/32"], "ports": [9]})
        }
        ("post", "/api/v1/onboarding/generate-agent-token") => json!({"platform": "linux"}),
        _ => return None,
    };
    Some(body)
}

/// Starts both wizards, and gives B a scan, a token and an enrolled agent. Returns B's ids
/// for the by-id routes.
pub async fn prepare<S, B>(app: &S, a: &Registered, b: &Registered) -> Vec<(&'static str, Value)>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for org in [a, b] {
        let started = send(
            app,
            post_empty(&format!("{ONBOARDING}/start"), Some(&org.access)),
        )
        .await;
        assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    }
    let scan = send(
        app,
        post(
            &format!("{ONBOARDING}/network-scan"),
            Some(&b.access),
            json!({"network_ranges": ["127.0.0.1/32"], "ports": [9]}),
        ),
    )
    .await;
    assert_eq!(scan.status, StatusCode::ACCEPTED, "{:?}", scan.body);
    let token = send(
        app,
        post(
            &format!("{ONBOARDING}/generate-agent-token"),
            Some(&b.access),
            json!({"platform": "linux"}),
        ),
    )
    .await;
    assert_eq!(token.status, StatusCode::CREATED, "{:?}", token.body);
    let secret = token.body["token"].as_str().unwrap();
    let agent = send(
        app,
        post(
            "/api/v1/agents/enroll",
            None,
            enroll_body(secret, "4d3c1f0e-3a4b-4c5d-8e9f-0a1b2c3d4e5f"),
        ),
    )
    .await;
    assert_eq!(agent.status, StatusCode::CREATED, "{:?}", agent.body);
    let scan_id = scan.body["scan_id"].clone();
    vec![
        ("/api/v1/onboarding/network-scan/{id}", scan_id.clone()),
        ("/api/v1/onboarding/network-scan/{id}/cancel", scan_id),
        (
            "/api/v1/onboarding/enrollment-tokens/{id}",
            token.body["id"].clone(),
        ),
        ("/api/v1/agents/{id}", agent.body["agent_id"].clone()),
    ]
}

/// B's onboarding data as B reads it (scans change as they run, so only their ids count).
pub const SNAPSHOT_PATHS: &[&str] = &["/api/v1/onboarding/enrollment-tokens", "/api/v1/agents"];
