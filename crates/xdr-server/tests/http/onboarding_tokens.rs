//! Enrollment tokens through the real app: minted once with install scripts, listed without
//! the secret, used up by enrollment, revoked; tenancy and refusals; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::onboarding::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

const BASE: &str = ONBOARDING;

async fn a_token_is_shown_once_and_used_up_by_enrollment(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    let body = json!({"platform": "linux", "label": "web servers"});
    let early = send(
        &app,
        post(&format!("{BASE}/generate-agent-token"), tok, body.clone()),
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{:?}", early.body);
    assert_eq!(early.code(), "onboarding_not_started");
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;

    let issued = send(
        &app,
        post(&format!("{BASE}/generate-agent-token"), tok, body),
    )
    .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    let secret = issued.body["token"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 43);
    assert_eq!(issued.body["max_uses"], 1);
    let scripts = &issued.body["install_scripts"];
    for platform in ["linux", "macos", "windows", "docker"] {
        let script = scripts[platform].as_str().unwrap();
        assert!(script.contains(&secret), "{platform} embeds the token");
        assert!(
            script.contains("http://127.0.0.1:8080"),
            "{platform}: the configured URL"
        );
    }

    let listed = tokens(&app, &a.access).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], issued.body["id"]);
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(listed[0]["uses"], 0);
    assert_eq!(listed[0]["label"], "web servers");
    let text = serde_json::to_string(&listed).unwrap();
    assert!(!text.contains(&secret), "the list never shows the token");
    let audit = send(&app, get("/api/v1/audit-logs?limit=500", tok)).await;
    assert!(
        !audit.body.to_string().contains(&secret),
        "nor does the audit log"
    );

    let instance = "7d3c1f0e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
    let enrolled = send(
        &app,
        post(
            "/api/v1/agents/enroll",
            None,
            enroll_body(&secret, instance),
        ),
    )
    .await;
    assert_eq!(enrolled.status, StatusCode::CREATED, "{:?}", enrolled.body);
    let listed = tokens(&app, &a.access).await;
    assert_eq!(
        (listed[0]["uses"].clone(), listed[0]["status"].clone()),
        (json!(1), json!("used_up"))
    );
    let other = "8d3c1f0e-3a4b-4c5d-8e9f-0a1b2c3d4e5f";
    let refused = send(
        &app,
        post("/api/v1/agents/enroll", None, enroll_body(&secret, other)),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.code(), "invalid_enrollment_token");

    let agents = send(&app, get(&format!("{BASE}/enrolled-agents"), tok)).await;
    assert_eq!(
        agents.body["items"][0]["id"], enrolled.body["agent_id"],
        "{:?}",
        agents.body
    );
    assert_eq!(agents.body["items"][0]["status"], "pending");
}

async fn revoked_tokens_are_refused_and_enrolled_agents_stay(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let tok = Some(a.access.as_str());
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    let issued = send(
        &app,
        post(
            &format!("{BASE}/generate-agent-token"),
            tok,
            json!({"platform": "docker", "max_uses": 5}),
        ),
    )
    .await;
    let secret = issued.body["token"].as_str().unwrap().to_owned();
    let id = issued.body["id"].as_str().unwrap().to_owned();
    let first = send(
        &app,
        post(
            "/api/v1/agents/enroll",
            None,
            enroll_body(&secret, "1d3c1f0e-3a4b-4c5d-8e9f-0a1b2c3d4e5f"),
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);

    let foreign = send(
        &app,
        delete(&format!("{BASE}/enrollment-tokens/{id}"), Some(&b.access)),
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another organization cannot revoke it"
    );
    assert!(tokens(&app, &b.access).await.is_empty(), "nor see it");
    let revoked = send(&app, delete(&format!("{BASE}/enrollment-tokens/{id}"), tok)).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{:?}", revoked.body);
    assert_eq!(tokens(&app, &a.access).await[0]["status"], "revoked");
    let refused = send(
        &app,
        post(
            "/api/v1/agents/enroll",
            None,
            enroll_body(&secret, "2d3c1f0e-3a4b-4c5d-8e9f-0a1b2c3d4e5f"),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.code(), "invalid_enrollment_token");
    let agent = first.body["agent_id"].as_str().unwrap();
    let still = send(&app, get(&format!("/api/v1/agents/{agent}"), tok)).await;
    assert_eq!(
        still.body["status"], "pending",
        "the enrolled agent keeps working"
    );
    let missing = send(
        &app,
        delete(
            &format!("{BASE}/enrollment-tokens/00000000-0000-4000-8000-000000000000"),
            tok,
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn bad_token_requests_are_refused(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    for (body, field) in [
        (json!({"platform": "solaris"}), "platform"),
        (json!({"platform": "none"}), "platform"),
        (
            json!({"platform": "linux", "expires_in_hours": 0}),
            "expires_in_hours",
        ),
        (
            json!({"platform": "linux", "expires_in_hours": 721}),
            "expires_in_hours",
        ),
        (json!({"platform": "linux", "max_uses": 0}), "max_uses"),
        (json!({"platform": "linux", "max_uses": 1001}), "max_uses"),
        (
            json!({"platform": "linux", "label": "x".repeat(101)}),
            "label",
        ),
        (json!({"platform": "linux", "label": "a\nb"}), "label"),
        (
            json!({"platform": "linux", "organization_id": a.org_id}),
            "organization_id",
        ),
    ] {
        let reply = send(
            &app,
            post(&format!("{BASE}/generate-agent-token"), tok, body.clone()),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            reply.body
        );
        assert!(
            reply.body["error"]["fields"][field].is_array(),
            "{body}: {:?}",
            reply.body
        );
    }
    assert!(
        tokens(&app, &a.access).await.is_empty(),
        "nothing was stored"
    );
}

async fn a_hostile_label_stays_a_comment(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    let label = "lab'; $(touch /tmp/x) `id` \"q\"";
    let issued = send(
        &app,
        post(
            &format!("{BASE}/generate-agent-token"),
            tok,
            json!({"platform": "linux", "label": label}),
        ),
    )
    .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    let linux = issued.body["install_scripts"]["linux"].as_str().unwrap();
    let line = linux.lines().find(|l| l.contains("$(touch")).unwrap();
    assert!(
        line.starts_with("# "),
        "only ever inside the comment: {line}"
    );
    let parsed = std::process::Command::new("bash")
        .args(["-n", "-c", linux])
        .status()
        .unwrap();
    assert!(parsed.success());
}

on_both_backends!(
    a_token_is_shown_once_and_used_up_by_enrollment,
    revoked_tokens_are_refused_and_enrolled_agents_stay,
    bad_token_requests_are_refused,
    a_hostile_label_stays_a_comment,
);
