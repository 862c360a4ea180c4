//! The audit log over HTTP: what the identity actions record, who may read it, tenancy,
//! export formats and tamper detection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use xdr_auth::AccessClaims;
use xdr_domain::identity::Role;
use xdr_persistence::test_support::execute_sql;

fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn items(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().unwrap().clone()
}

fn actions_oldest_first(reply: &Reply) -> Vec<String> {
    let mut actions: Vec<String> = items(reply)
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    actions.reverse();
    actions
}

const LIST: &str = "/api/v1/audit-logs?limit=500";

async fn identity_actions_are_recorded_in_order(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let ok = login(&app, &a.email, PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK);
    let wrong = login(&app, &a.email, "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // An email of no organization has no audit log to go to.
    login(&app, "nobody@nowhere.example", PASSWORD).await;
    let s1 = ok.body["access_token"].as_str().unwrap();
    let out = send(&app, post_empty("/api/v1/auth/logout", Some(s1))).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    // Rotate the registration's refresh token, then present the old one again.
    let refresh = |token: &str| {
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": token}),
        )
    };
    assert_eq!(send(&app, refresh(&a.refresh)).await.status, StatusCode::OK);
    assert_eq!(
        send(&app, refresh(&a.refresh)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let again = login(&app, &a.email, PASSWORD).await;
    let s2 = again.body["access_token"].as_str().unwrap().to_owned();
    let change =
        json!({"current_password": PASSWORD, "new_password": "saffron kettle orbit meadow"});
    let changed = send(
        &app,
        post("/api/v1/auth/change-password", Some(&s2), change),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{:?}", changed.body);

    let reply = send(&app, get(LIST, Some(&s2))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(
        actions_oldest_first(&reply),
        [
            "auth.register",
            "auth.login",
            "auth.login_failed",
            "auth.logout",
            "auth.refresh_reuse_detected",
            "auth.login",
            "auth.password_changed",
        ]
    );
    let entries = items(&reply);
    let failed = entries
        .iter()
        .find(|e| e["action"] == "auth.login_failed")
        .unwrap();
    assert_eq!(failed["success"], false);
    assert_eq!(failed["error"], "invalid_credentials");
    assert_eq!(failed["actor_id"], a.user_id.as_str());
    assert_eq!(failed["actor_email"], "ada@acme.example");
    assert_eq!(failed["ip"], "203.0.113.10");
    let reuse = entries
        .iter()
        .find(|e| e["action"] == "auth.refresh_reuse_detected")
        .unwrap();
    assert_eq!(reuse["success"], false);
    for e in &entries {
        for key in [
            "id",
            "created_at",
            "actor_id",
            "actor_email",
            "action",
            "resource_type",
            "resource_id",
            "success",
            "error",
            "ip",
            "user_agent",
            "details",
            "hash",
        ] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
    }
    // No secret ever reaches the log.
    let text = reply.body.to_string();
    assert!(!text.contains(PASSWORD) && !text.contains("saffron"));
    assert!(!text.contains(&a.refresh) && !text.contains(&a.access));
    let verify = send(&app, get("/api/v1/audit-logs/verify", Some(&s2))).await;
    assert_eq!(
        verify.body,
        json!({"valid": true, "entries_checked": 7, "first_bad_id": null})
    );
}

async fn a_lockout_is_recorded(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..6 {
        login(&app, &a.email, "not the password at all").await;
    }
    let locked = send(&app, get(LIST, Some(&a.access))).await;
    let actions = actions_oldest_first(&locked);
    assert_eq!(
        actions.iter().filter(|a| *a == "auth.login_failed").count(),
        5
    );
    assert_eq!(actions.last().map(String::as_str), Some("auth.locked"));
}

/// Attempts on a locked account are refused without a password check, so writing an entry for
/// each would let anyone flood the victim's chain cheaply: the lock records them once, with a
/// count, when it ends.
async fn refusals_while_locked_are_recorded_once_with_a_count(backend: Backend) {
    let clock = std::sync::Arc::new(xdr_domain::ManualClock::new(chrono::Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..5 {
        let r = login(&app, &a.email, "not the password at all").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let before = actions_oldest_first(&send(&app, get(LIST, Some(&a.access))).await);
    for _ in 0..20 {
        let r = login(&app, &a.email, "not the password at all").await;
        assert_eq!(r.status, StatusCode::LOCKED);
    }
    let during = actions_oldest_first(&send(&app, get(LIST, Some(&a.access))).await);
    assert_eq!(during, before, "no entry per refused attempt");
    assert_eq!(during.iter().filter(|a| *a == "auth.locked").count(), 1);
    clock.advance(chrono::Duration::minutes(16));
    let back = login(&app, &a.email, PASSWORD).await;
    assert_eq!(back.status, StatusCode::OK);
    let after = send(&app, get(LIST, Some(&access_of(&back)))).await;
    let entries = items(&after);
    let summaries: Vec<&Value> = entries
        .iter()
        .filter(|e| !e["details"]["refused_while_locked"].is_null())
        .collect();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0]["action"], "auth.login_failed");
    assert_eq!(summaries[0]["details"]["refused_while_locked"], 20);
}

async fn only_admins_read_the_audit_log(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let soc_lead = jwt_ring()
        .sign(&AccessClaims {
            role: Role::SocLead,
            ..claims_of(&a.access)
        })
        .unwrap();
    for path in [
        "/api/v1/audit-logs",
        "/api/v1/audit-logs/export?format=ndjson",
        "/api/v1/audit-logs/export?format=csv",
        "/api/v1/audit-logs/verify",
    ] {
        let reply = send(&app, get(path, Some(&soc_lead))).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{path}"
        );
        let anonymous = send(&app, get(path, None)).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            send(&app, get(path, Some(&a.access))).await.status,
            StatusCode::OK
        );
    }
}

async fn organizations_see_only_their_own_entries(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    login(&app, &a.email, "not the password at all").await;
    let theirs = send(&app, get(LIST, Some(&b.access))).await;
    let entries = items(&theirs);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor_id"], b.user_id.as_str());
    // Filtering by A's user from B finds nothing; so does B's export.
    let path = format!("/api/v1/audit-logs?actor_id={}", a.user_id);
    assert!(items(&send(&app, get(&path, Some(&b.access))).await).is_empty());
    let export = send(&app, get("/api/v1/audit-logs/export", Some(&b.access))).await;
    let text = export.body.to_string();
    assert!(!text.contains(&a.user_id) && !text.contains("ada@acme.example"));
    let verify = send(&app, get("/api/v1/audit-logs/verify", Some(&b.access))).await;
    assert_eq!(verify.body["entries_checked"], 1);
}

async fn verify_reports_a_direct_database_edit(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    login(&app, &a.email, PASSWORD).await;
    login(&app, &a.email, PASSWORD).await;
    let verify = || get("/api/v1/audit-logs/verify", Some(&a.access));
    assert_eq!(send(&app, verify()).await.body["valid"], true);
    let entries = items(&send(&app, get(LIST, Some(&a.access))).await);
    let victim = entries[1]["id"].as_str().unwrap();
    let db = t.db.database();
    let sql = format!("UPDATE audit_logs SET ip = '198.51.100.1' WHERE id = '{victim}'");
    assert_eq!(execute_sql(&db, &sql), 1);
    let reply = send(&app, verify()).await;
    assert_eq!(
        reply.body,
        json!({"valid": false, "entries_checked": 2, "first_bad_id": victim})
    );
}

on_both_backends!(
    identity_actions_are_recorded_in_order,
    a_lockout_is_recorded,
    refusals_while_locked_are_recorded_once_with_a_count,
    only_admins_read_the_audit_log,
    organizations_see_only_their_own_entries,
    verify_reports_a_direct_database_edit,
);
