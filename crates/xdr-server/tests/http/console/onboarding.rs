//! The onboarding wizard in the console: an admin goes from the profile through a loopback
//! scan to an enrollment token whose install commands are shown, and validation; other roles
//! are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::time::Duration;

use actix_web::http::StatusCode;

use super::browser::Browser;
use crate::common::*;

async fn an_admin_walks_through_the_wizard(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut admin = Browser::new();
    admin.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let first = admin.get(&app, "/onboarding").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("Start onboarding"));
    let started = admin.submit(&app, "/onboarding/start", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let profile = admin.get(&app, "/onboarding").await;
    assert!(profile.body.contains("action=\"/onboarding/profile\""));
    let bad = admin
        .submit(
            &app,
            "/onboarding/profile",
            &[
                ("region", ""),
                ("industry", "finance"),
                ("company_size", "huge"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let saved = admin
        .submit(
            &app,
            "/onboarding/profile",
            &[
                ("region", "eu-west"),
                ("industry", "finance"),
                ("company_size", "1-50"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // A listening loopback port for the scan to find.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let refused = admin
        .submit(
            &app,
            "/onboarding/scan",
            &[("ranges", "127.0.0.1/32"), ("ports", "22, nope")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let scan = admin
        .submit(
            &app,
            "/onboarding/scan",
            &[("ranges", "127.0.0.1/32"), ("ports", &port)],
        )
        .await;
    assert_eq!(scan.status, StatusCode::SEE_OTHER, "{}", scan.body);
    let mut page = admin.get(&app, "/onboarding").await;
    for _ in 0..100 {
        if page.body.contains("Deployment plan") {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        page = admin.get(&app, "/onboarding").await;
    }
    assert!(page.body.contains("Deployment plan"), "{}", page.body);
    assert!(page.body.contains("<td>127.0.0.1</td>"), "{}", page.body);
    let token = admin
        .submit(
            &app,
            "/onboarding/token",
            &[("platform", "linux"), ("label", "web")],
        )
        .await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    assert!(token.body.contains("id=\"install-linux\""));
    assert!(
        token.body.contains("MINI_XDR"),
        "the install script is shown"
    );
    let checks = admin.submit(&app, "/onboarding/validate", &[]).await;
    assert_eq!(checks.status, StatusCode::OK);
    assert!(
        checks.body.contains("class=\"fail\""),
        "no agent yet: {}",
        checks.body
    );
    let early = admin.submit(&app, "/onboarding/complete", &[]).await;
    assert_eq!(
        early.status,
        StatusCode::BAD_REQUEST,
        "validation has not passed"
    );
    drop(listener);
}

async fn only_admins_onboard(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "lee@acme.example", "soc_lead").await;
    let mut lead = Browser::new();
    lead.sign_in(&app, "lee@acme.example", PASSWORD).await;
    assert!(
        !lead
            .get(&app, "/")
            .await
            .body
            .contains("href=\"/onboarding\"")
    );
    assert_eq!(
        lead.get(&app, "/onboarding").await.status,
        StatusCode::FORBIDDEN
    );
    let start = lead.submit(&app, "/onboarding/start", &[]).await;
    assert_eq!(start.status, StatusCode::FORBIDDEN);
    let status = send(&app, get("/api/v1/onboarding/status", Some(&admin.access))).await;
    assert_eq!(status.body["status"], "not_started", "{:?}", status.body);
    let mut signed_admin = Browser::new();
    signed_admin
        .sign_in(&app, "ada@acme.example", PASSWORD)
        .await;
    let unknown = signed_admin.submit(&app, "/onboarding/teleport", &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

on_both_backends!(an_admin_walks_through_the_wizard, only_admins_onboard);
