//! Roles and tenants on the console's pages: the navigation shows what a role may do, and the
//! server refuses the rest whatever the browser sends; another organization's records are not
//! found; a form without its CSRF token changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;

use super::browser::Browser;
use crate::common::*;

async fn open_incident<S, B>(app: &S, token: &str, ip: &str) -> String
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let opened = send(
        app,
        post("/api/v1/events", Some(token), failed_logins(ip, 6)),
    )
    .await;
    opened.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn an_analyst_resolves_an_incident(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "ana@acme.example", "analyst").await;
    let id = open_incident(&app, &admin.access, "203.0.113.7").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ana@acme.example", PASSWORD).await;
    let page = browser.get(&app, &format!("/incidents/{id}")).await;
    assert!(page.body.contains(&format!("action=\"/incidents/{id}\"")));
    assert!(page.body.contains("<option value=\"resolved\">"));
    let saved = browser
        .submit(
            &app,
            &format!("/incidents/{id}"),
            &[
                ("status", "resolved"),
                ("assignee", "keep"),
                ("note", "blocked at the edge"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = browser.get(&app, saved.location().unwrap()).await;
    assert!(
        after
            .body
            .contains("<dd id=\"incident-status\">resolved</dd>")
    );
    assert!(after.body.contains("blocked at the edge"));
    let api = send(
        &app,
        get(&format!("/api/v1/incidents/{id}"), Some(&admin.access)),
    )
    .await;
    assert_eq!(api.body["status"], "resolved");
    // A resolved incident cannot be reopened: the page says why, nothing changes.
    let refused = browser
        .submit(&app, &format!("/incidents/{id}"), &[("status", "open")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
}

async fn a_viewer_reads_but_cannot_work_or_revoke(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "vic@acme.example", "viewer").await;
    let id = open_incident(&app, &admin.access, "203.0.113.7").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "vic@acme.example", PASSWORD).await;
    let page = browser.get(&app, &format!("/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&format!("action=\"/incidents/{id}\"")));
    assert!(page.body.contains(">viewer<"));
    let refused = browser
        .submit(&app, &format!("/incidents/{id}"), &[("status", "resolved")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let api = send(
        &app,
        get(&format!("/api/v1/incidents/{id}"), Some(&admin.access)),
    )
    .await;
    assert_eq!(api.body["status"], "open");
    let agents = browser.get(&app, "/agents").await;
    assert!(!agents.body.contains("Revoke"));
    let revoke = browser
        .submit(
            &app,
            "/agents/0190a7f0-0000-7000-8000-000000000001/revoke",
            &[],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::FORBIDDEN);
}

async fn another_organization_s_incident_is_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let other = register(&app, "Globex", "hank@globex.example").await;
    let theirs = open_incident(&app, &other.access, "198.51.100.9").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let page = browser.get(&app, &format!("/incidents/{theirs}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let write = browser
        .submit(
            &app,
            &format!("/incidents/{theirs}"),
            &[("status", "dismissed")],
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let api = send(
        &app,
        get(&format!("/api/v1/incidents/{theirs}"), Some(&other.access)),
    )
    .await;
    assert_eq!(api.body["status"], "open");
    for path in ["/incidents", "/events", "/"] {
        let page = browser.get(&app, path).await;
        assert!(
            !page.body.contains("198.51.100.9"),
            "{path} shows Globex's data"
        );
    }
}

async fn a_work_form_without_its_csrf_token_changes_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let id = open_incident(&app, &admin.access, "203.0.113.7").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let path = format!("/incidents/{id}");
    let refused = browser.post_raw(&app, &path, "status=resolved").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let forged = format!(
        "csrf={}&status=resolved",
        one_char_off(browser.csrf.as_ref().unwrap())
    );
    assert_eq!(
        browser.post_raw(&app, &path, &forged).await.status,
        StatusCode::FORBIDDEN
    );
    let api = send(
        &app,
        get(&format!("/api/v1/incidents/{id}"), Some(&admin.access)),
    )
    .await;
    assert_eq!(api.body["status"], "open");
    // Larger than any form of the console: refused before anything is read.
    let token = browser.csrf.clone().unwrap();
    let huge = format!("csrf={token}&note={}", "a".repeat(70 * 1024));
    let oversized = browser.post_raw(&app, &path, &huge).await;
    assert_eq!(
        oversized.status,
        StatusCode::BAD_REQUEST,
        "{}",
        oversized.body
    );
    let api = send(
        &app,
        get(&format!("/api/v1/incidents/{id}"), Some(&admin.access)),
    )
    .await;
    assert_eq!(api.body["status"], "open");
    assert_eq!(api.body["note"], serde_json::Value::Null);
}

async fn an_admin_revokes_an_agent_that_does_not_exist_and_gets_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let missing = browser
        .submit(
            &app,
            "/agents/0190a7f0-0000-7000-8000-000000000001/revoke",
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let junk = browser.submit(&app, "/agents/junk/revoke", &[]).await;
    assert_eq!(junk.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    an_analyst_resolves_an_incident,
    a_viewer_reads_but_cannot_work_or_revoke,
    another_organization_s_incident_is_not_found,
    a_work_form_without_its_csrf_token_changes_nothing,
    an_admin_revokes_an_agent_that_does_not_exist_and_gets_not_found,
);
