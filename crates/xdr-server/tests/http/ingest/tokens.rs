//! Ingest tokens: issued once, listed without the secret, revoked at once, soc_lead only, one
//! organization's tokens invisible to another, never accepted on the user API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use xdr_domain::ManualClock;

use super::*;
use crate::common::*;

async fn issue_list_use_and_revoke(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, token_id) = source_with_token(&app, &a, "cowrie").await;
    assert_eq!(token.len(), 43, "256 bits, base64url");
    let path = format!("/api/v1/log-sources/{source}/ingest-tokens");
    let listed = send(&app, get(&path, Some(&a.access))).await;
    assert_eq!(listed.status, StatusCode::OK);
    let item = &listed.body[0];
    assert_eq!(item["id"], token_id.as_str());
    assert_eq!(item["label"], "test sender");
    assert_eq!(item["last_used_at"], Value::Null);
    assert!(item.get("token").is_none(), "the secret is shown only once");
    assert!(!listed.body.to_string().contains(&token));

    let sent = send(
        &app,
        hec(EVENT, Some(&token), failed_logins_hec("198.51.100.4", 1)),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let listed = send(&app, get(&path, Some(&a.access))).await;
    assert_ne!(listed.body[0]["last_used_at"], Value::Null);

    let revoked = send(&app, delete(&format!("{path}/{token_id}"), Some(&a.access))).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let refused = send(
        &app,
        hec(EVENT, Some(&token), failed_logins_hec("198.51.100.4", 1)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(hec_code(&refused), 4);
    let again = send(&app, delete(&format!("{path}/{token_id}"), Some(&a.access))).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let listed = send(&app, get(&path, Some(&a.access))).await;
    assert_ne!(listed.body[0]["revoked_at"], Value::Null);

    let audit = send(&app, get("/api/v1/audit-logs", Some(&a.access))).await;
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"ingest_token.created"), "{actions:?}");
    assert!(actions.contains(&"ingest_token.revoked"), "{actions:?}");
}

async fn only_soc_leads_manage_tokens(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, _, token_id) = source_with_token(&app, &a, "cowrie").await;
    let path = format!("/api/v1/log-sources/{source}/ingest-tokens");
    for (email, role) in [("v@acme.example", "viewer"), ("an@acme.example", "analyst")] {
        let member = access_of(&add_member(&app, &a, email, role).await);
        for req in [
            post(&path, Some(&member), json!({})),
            get(&path, Some(&member)),
            delete(&format!("{path}/{token_id}"), Some(&member)),
        ] {
            let reply = send(&app, req).await;
            assert_eq!(
                reply.status,
                StatusCode::FORBIDDEN,
                "{role}: {:?}",
                reply.body
            );
        }
    }
    let lead = access_of(&add_member(&app, &a, "lead@acme.example", "soc_lead").await);
    let issued = send(&app, post(&path, Some(&lead), json!({}))).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
}

async fn another_organization_cannot_touch_them(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "bob@globex.example").await;
    let (source, token, token_id) = source_with_token(&app, &a, "cowrie").await;
    let path = format!("/api/v1/log-sources/{source}/ingest-tokens");
    for req in [
        post(&path, Some(&b.access), json!({})),
        get(&path, Some(&b.access)),
        delete(&format!("{path}/{token_id}"), Some(&b.access)),
    ] {
        let reply = send(&app, req).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{:?}", reply.body);
    }
    // A's token still works, and its events are A's alone.
    let sent = send(
        &app,
        hec(EVENT, Some(&token), failed_logins_hec("198.51.100.9", 6)),
    )
    .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let a_events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(a_events.body["items"].as_array().unwrap().len(), 6);
    assert_eq!(a_events.body["items"][0]["log_source_id"], source.as_str());
    for list in ["/api/v1/events", "/api/v1/incidents"] {
        let b_sees = send(&app, get(list, Some(&b.access))).await;
        assert_eq!(b_sees.body["items"], json!([]), "{list}");
    }
}

async fn an_ingest_token_is_not_a_user_credential(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (_, token, _) = source_with_token(&app, &a, "cowrie").await;
    for req in [
        get("/api/v1/events", Some(&token)),
        get("/api/v1/log-sources", Some(&token)),
        post(
            "/api/v1/events",
            Some(&token),
            failed_logins("198.51.100.1", 1),
        ),
    ] {
        let reply = send(&app, req).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    }
    // Nor is a user's access token an ingest token.
    let reply = send(
        &app,
        hec(EVENT, Some(&a.access), failed_logins_hec("198.51.100.1", 1)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(hec_code(&reply), 4);
}

async fn bad_requests_change_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, _, _) = source_with_token(&app, &a, "cowrie").await;
    let path = format!("/api/v1/log-sources/{source}/ingest-tokens");
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let far = (Utc::now() + Duration::days(400)).to_rfc3339();
    for body in [
        json!({"expires_at": past}),
        json!({"expires_at": far}),
        json!({"label": "x".repeat(101)}),
        json!({"label": "a\u{0}b"}),
        json!({"scope": "read"}),
        json!({"expires_at": "tomorrow"}),
    ] {
        let reply = send(&app, post(&path, Some(&a.access), body.clone())).await;
        assert!(reply.status.is_client_error(), "{body}: {:?}", reply.status);
    }
    let missing = format!("/api/v1/log-sources/{}/ingest-tokens", uuid::Uuid::new_v4());
    let reply = send(&app, post(&missing, Some(&a.access), json!({}))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let listed = send(&app, get(&path, Some(&a.access))).await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        1,
        "only the first token"
    );
}

async fn an_expired_token_is_refused(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, _, _) = source_with_token(&app, &a, "cowrie").await;
    let expires = (clock_now(&clock) + Duration::hours(1)).to_rfc3339();
    let issued = send(
        &app,
        post(
            &format!("/api/v1/log-sources/{source}/ingest-tokens"),
            Some(&a.access),
            json!({"expires_at": expires}),
        ),
    )
    .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    let token = issued.body["token"].as_str().unwrap().to_owned();
    let body = failed_logins_hec("198.51.100.2", 1);
    assert_eq!(
        send(&app, hec(EVENT, Some(&token), body.clone()))
            .await
            .status,
        StatusCode::OK
    );
    clock.advance(Duration::hours(1));
    let reply = send(&app, hec(EVENT, Some(&token), body)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(hec_code(&reply), 4);
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<Utc> {
    use xdr_domain::Clock;
    clock.now()
}

on_both_backends!(
    issue_list_use_and_revoke,
    only_soc_leads_manage_tokens,
    another_organization_cannot_touch_them,
    an_ingest_token_is_not_a_user_credential,
    bad_requests_change_nothing,
    an_expired_token_is_refused,
);
