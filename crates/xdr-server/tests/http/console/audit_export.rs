//! The audit log download in the console: admins only, their organization only, the same bytes
//! as the API's export, spreadsheet formulas neutralized, a wrong format refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::browser::Browser;
use crate::common::*;

const FORMULA_AGENT: &str = "=HYPERLINK(\"http://evil.example\")";

async fn admins_download_their_organizations_log(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    register(&app, "Globex", "hank@globex.example").await;
    // A failed sign-in records the caller's user agent: here, text a spreadsheet would run.
    let failed = send(
        &app,
        post(
            "/api/v1/auth/login",
            None,
            json!({"email": "ada@acme.example", "password": "not the password"}),
        )
        .insert_header(("user-agent", FORMULA_AGENT)),
    )
    .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    let mut admin = Browser::new();
    admin.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let page = admin.get(&app, "/audit?action=auth.login_failed").await;
    assert!(
        page.body
            .contains("href=\"/audit/export?action=auth.login_failed&#38;format=csv\""),
        "{}",
        page.body
    );

    let csv = admin.get(&app, "/audit/export").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some("attachment; filename=\"audit-log.csv\"")
    );
    assert_eq!(csv.header("cache-control"), Some("no-store"));
    assert!(
        csv.body
            .starts_with("id,created_at,actor_id,actor_email,action,")
    );
    assert!(csv.body.contains(",auth.register,"));
    assert!(csv.body.contains(",auth.login,"));
    assert!(
        !csv.body.contains("globex"),
        "another tenant's entries leaked"
    );
    // Quoted, doubled quotes, and a leading ' so the cell is text.
    assert!(
        csv.body
            .contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\","),
        "{}",
        csv.body
    );

    // The same service as the API's export: the same bytes for the same entries.
    let admin_api = login(&app, "ada@acme.example", PASSWORD).await;
    let token = admin_api.body["access_token"].as_str().unwrap();
    let api = send(
        &app,
        get("/api/v1/audit-logs/export?format=ndjson", Some(token)),
    )
    .await;
    let Value::String(api_text) = &api.body else {
        panic!("not text: {:?}", api.body)
    };
    let ndjson = admin.get(&app, "/audit/export?format=ndjson").await;
    assert_eq!(ndjson.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(&ndjson.body, api_text);

    let filtered = admin
        .get(&app, "/audit/export?format=ndjson&action=auth.login_failed")
        .await;
    let lines: Vec<Value> = filtered
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{}", filtered.body);
    assert_eq!(lines[0]["user_agent"], FORMULA_AGENT);

    let bad = admin.get(&app, "/audit/export?format=xlsx").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let bad = admin.get(&app, "/audit/export?action=auth.nothing").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

async fn only_admins_download_the_log(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "lee@acme.example", "soc_lead").await;
    add_member(&app, &admin, "ana@acme.example", "analyst").await;
    for email in ["lee@acme.example", "ana@acme.example"] {
        let mut member = Browser::new();
        member.sign_in(&app, email, PASSWORD).await;
        let refused = member.get(&app, "/audit/export?format=csv").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
        assert!(!refused.body.contains("auth.register"));
    }
    // Signed out: sent to sign in, nothing downloaded.
    let anonymous = Browser::new().get(&app, "/audit/export").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(!anonymous.body.contains("auth.register"));
}

on_both_backends!(
    admins_download_their_organizations_log,
    only_admins_download_the_log,
);
