//! The onboarding wizard through the real app: order of steps, start/skip/resume, the
//! organization's mirrored status, audit entries, validation checks, and who may call it;
//! both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::onboarding::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

const BASE: &str = ONBOARDING;

async fn steps_go_in_order_and_skip_resumes(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());

    let status = send(&app, get(&format!("{BASE}/status"), tok)).await;
    assert_eq!(status.status, StatusCode::OK, "{:?}", status.body);
    assert_eq!(status.body["status"], "not_started");
    let early = send(&app, post(&format!("{BASE}/profile"), tok, profile())).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{:?}", early.body);
    assert_eq!(early.code(), "onboarding_not_started");

    let started = send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert_eq!(started.body["status"], "in_progress");
    assert_eq!(started.body["current_step"], "profile");
    assert_eq!(started.body["completed_steps"], json!([]));
    let org = send(&app, get("/api/v1/organization", tok)).await;
    assert_eq!(
        org.body["onboarding_status"], "in_progress",
        "{:?}",
        org.body
    );

    let bad = send(
        &app,
        post(
            &format!("{BASE}/profile"),
            tok,
            json!({"region": "", "industry": "x", "company_size": "lots"}),
        ),
    )
    .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    assert!(
        bad.body["error"]["fields"]["region"].is_array(),
        "{:?}",
        bad.body
    );
    assert!(bad.body["error"]["fields"]["company_size"].is_array());
    let after_bad = send(&app, get(&format!("{BASE}/status"), tok)).await;
    assert_eq!(after_bad.body["current_step"], "profile", "nothing changed");

    let done = send(&app, post(&format!("{BASE}/profile"), tok, profile())).await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body["current_step"], "network_scan");
    assert_eq!(done.body["completed_steps"], json!(["profile"]));
    assert_eq!(done.body["profile"], profile());

    let out_of_order = send(&app, post(&format!("{BASE}/complete"), tok, json!({}))).await;
    assert_eq!(
        out_of_order.status,
        StatusCode::CONFLICT,
        "{:?}",
        out_of_order.body
    );
    assert_eq!(out_of_order.code(), "step_out_of_order");
    assert_eq!(
        out_of_order.body["error"]["details"]["due_step"],
        "network_scan"
    );
    let forced = send(
        &app,
        post(&format!("{BASE}/complete"), tok, json!({"force": true})),
    )
    .await;
    assert_eq!(
        forced.code(),
        "step_out_of_order",
        "force skips only validation"
    );

    let skipped = send(&app, post_empty(&format!("{BASE}/skip"), tok)).await;
    assert_eq!(skipped.status, StatusCode::OK, "{:?}", skipped.body);
    assert_eq!(skipped.body["status"], "skipped");
    let org = send(&app, get("/api/v1/organization", tok)).await;
    assert_eq!(org.body["onboarding_status"], "skipped");
    let resumed = send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    assert_eq!(resumed.body["status"], "in_progress");
    assert_eq!(resumed.body["completed_steps"], json!(["profile"]), "kept");
    let again = send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    assert_eq!(again.body, resumed.body, "starting again changes nothing");

    let onboarding: Vec<String> = audit_actions(&app, &a.access)
        .await
        .into_iter()
        .filter(|a| a.starts_with("onboarding."))
        .collect();
    assert_eq!(
        onboarding,
        [
            "onboarding.started",
            "onboarding.step_completed",
            "onboarding.skipped",
            "onboarding.started"
        ]
    );
}

async fn validation_reports_real_checks(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    let v = send(&app, post_empty(&format!("{BASE}/validation"), tok)).await;
    assert_eq!(v.status, StatusCode::OK, "{:?}", v.body);
    let checks: Vec<(String, bool)> = v.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["passed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("agent_active".to_owned(), false),
            ("events_received".to_owned(), false),
            ("critical_assets_covered".to_owned(), true),
            ("detection_enabled".to_owned(), true),
        ]
    );
    assert_eq!(v.body["all_passed"], false);

    // Events arrive: that check passes; turning every rule off fails the detection check.
    let ingested = send(
        &app,
        post("/api/v1/events", tok, failed_logins("203.0.113.9", 1)),
    )
    .await;
    assert_eq!(ingested.status, StatusCode::ACCEPTED, "{:?}", ingested.body);
    let rules = send(&app, get("/api/v1/detection-rules", tok)).await;
    for rule in rules.body["items"].as_array().unwrap() {
        let name = rule["rule"].as_str().or(rule["id"].as_str()).unwrap();
        let off = send(
            &app,
            patch(
                &format!("/api/v1/detection-rules/{name}"),
                tok,
                json!({"enabled": false}),
            ),
        )
        .await;
        assert_eq!(off.status, StatusCode::OK, "{:?}", off.body);
    }
    let v = send(&app, post_empty(&format!("{BASE}/validation"), tok)).await;
    let by_name = |n: &str| {
        v.body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()["passed"]
            .clone()
    };
    assert_eq!(by_name("events_received"), true, "{:?}", v.body);
    assert_eq!(by_name("detection_enabled"), false, "{:?}", v.body);
}

/// Every onboarding route, as (method, path, body).
fn routes() -> Vec<(&'static str, String, Option<Value>)> {
    let id = "00000000-0000-4000-8000-000000000000";
    vec![
        ("POST", format!("{BASE}/start"), None),
        ("GET", format!("{BASE}/status"), None),
        ("POST", format!("{BASE}/profile"), Some(profile())),
        ("POST", format!("{BASE}/validation"), None),
        (
            "POST",
            format!("{BASE}/complete"),
            Some(json!({"force": true})),
        ),
        ("POST", format!("{BASE}/skip"), None),
        (
            "POST",
            format!("{BASE}/network-scan"),
            Some(json!({"network_ranges": ["127.0.0.1/32"], "ports": [9]})),
        ),
        ("GET", format!("{BASE}/network-scan/{id}"), None),
        ("POST", format!("{BASE}/network-scan/{id}/cancel"), None),
        ("GET", format!("{BASE}/network-scans"), None),
        ("GET", format!("{BASE}/scan-results"), None),
        ("POST", format!("{BASE}/generate-deployment-plan"), None),
        (
            "POST",
            format!("{BASE}/generate-agent-token"),
            Some(json!({"platform": "linux"})),
        ),
        ("GET", format!("{BASE}/enrollment-tokens"), None),
        ("DELETE", format!("{BASE}/enrollment-tokens/{id}"), None),
        ("GET", format!("{BASE}/enrolled-agents"), None),
    ]
}

fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> actix_web::test::TestRequest {
    match (method, body) {
        ("GET", _) => get(path, token),
        ("DELETE", _) => delete(path, token),
        (_, Some(b)) => post(path, token, b),
        (_, None) => post_empty(path, token),
    }
}

async fn only_admins_onboard(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for role in ["analyst", "soc_lead", "viewer"] {
        let email = format!("{role}@acme.example");
        let member = add_member(&app, &a, &email, role).await;
        let token = access_of(&member);
        for (method, path, body) in routes() {
            let reply = send(&app, request(method, &path, Some(&token), body)).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{role} {method} {path}: {:?}",
                reply.body
            );
        }
    }
    for (method, path, body) in routes() {
        let reply = send(&app, request(method, &path, None, body)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
    }
    let status = send(&app, get(&format!("{BASE}/status"), Some(&a.access))).await;
    assert_eq!(
        status.body["status"], "not_started",
        "no refused call changed anything"
    );
    let actions = audit_actions(&app, &a.access).await;
    assert!(
        !actions
            .iter()
            .any(|a| a.starts_with("onboarding.") || a.starts_with("discovery."))
    );
}

on_both_backends!(
    steps_go_in_order_and_skip_resumes,
    validation_reports_real_checks,
    only_admins_onboard,
);
