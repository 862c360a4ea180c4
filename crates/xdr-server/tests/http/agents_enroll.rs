//! `POST /api/v1/agents/enroll` refused: an unusable token gets one answer whatever its
//! reason, and a malformed body stores nothing and spends no use.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::common::agents::*;
use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use serde_json::json;
use xdr_domain::{Clock, ManualClock};

const INVALID_TOKEN: &str = "The enrollment token is unknown, expired, used up or revoked.";

async fn an_unusable_token_gets_one_answer(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;

    let used_up = mint_token(&t, &a.org_id, 1);
    let kept = enroll(&app, &used_up, "web-1").await;
    let (revoked, id) = mint_token_with_id(&t, &a.org_id);
    let before_revoke = enroll(&app, &revoked, "web-2").await;
    revoke_token(&t, &a.org_id, id);
    let unknown = xdr_crypto::random_token().expose().to_owned();
    let tokens = [
        ("unknown", unknown.clone()),
        ("malformed", "not-a-token".to_owned()),
        ("empty", String::new()),
        ("one character off", one_char_off(&used_up)),
        ("with whitespace", format!(" {used_up}")),
        ("expired", mint_expired_token(&t, &a.org_id)),
        ("used up", used_up.clone()),
        ("revoked", revoked.clone()),
    ];
    for (what, token) in tokens {
        let r = enroll_reply(&app, enroll_body(&token, &new_instance_id(), "web-9")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{what}: {:?}", r.body);
        assert_eq!(
            r.body,
            json!({"error": {"code": "invalid_enrollment_token", "message": INVALID_TOKEN}}),
            "{what}"
        );
        assert_server_time(&r, what);
    }
    let listed = send(&app, get(AGENTS, Some(&a.access))).await;
    let mut hosts: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["hostname"].as_str().unwrap())
        .collect();
    hosts.sort_unstable();
    assert_eq!(hosts, ["web-1", "web-2"]);
    assert_eq!(audit_of(&app, &a.access, "agent.enrolled").await.len(), 2);
    assert_eq!(
        send(&app, get(AGENTS, Some(&b.access))).await.body["items"],
        json!([])
    );

    // Agents enrolled with a token keep working when it is used up or revoked.
    for agent in [&kept, &before_revoke] {
        let r = send(&app, heartbeat(agent).request()).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {:?}", agent.hostname, r.body);
    }
}

async fn a_malformed_enrollment_stores_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let token = mint_token(&t, &a.org_id, 1);
    let good = enroll_body(&token, &new_instance_id(), "web-1");
    let with = |field: &str, value: serde_json::Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let mut no_hostname = good.clone();
    no_hostname.as_object_mut().unwrap().remove("hostname");
    let cases = [
        (
            "a bad instance_id",
            with("instance_id", json!("host-1")),
            "instance_id",
        ),
        (
            "an unknown field",
            with("organization_id", json!(a.org_id)),
            "organization_id",
        ),
        ("no hostname", no_hostname, "hostname"),
        (
            "a blank hostname",
            with("hostname", json!("  ")),
            "hostname",
        ),
        (
            "an unknown platform",
            with("platform", json!("amiga")),
            "platform",
        ),
        (
            "a bad ip_address",
            with("ip_address", json!("10.0.0.300")),
            "ip_address",
        ),
        (
            "a bad replaces",
            with("replaces", json!("agent-1")),
            "replaces",
        ),
        ("a number for hostname", with("hostname", json!(7)), "body"),
    ];
    for (what, body, field) in cases {
        let r = enroll_reply(&app, body).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{what}: {:?}",
            r.body
        );
        let fields = r.body["error"]["fields"].as_object().unwrap();
        assert!(fields.contains_key(field), "{what}: {:?}", r.body);
    }
    let raw = |body: &'static str, content_type: &'static str| {
        TestRequest::post()
            .uri(ENROLL)
            .insert_header(("Content-Type", content_type))
            .set_payload(body)
    };
    for (what, req) in [
        (
            "not JSON",
            raw("{\"enrollment_token\": ", "application/json"),
        ),
        ("not a JSON content type", raw("{}", "text/plain")),
    ] {
        let r = send(&app, req).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, "malformed_request"),
            "{what}: {:?}",
            r.body
        );
    }

    let listed = send(&app, get(AGENTS, Some(&a.access))).await;
    assert_eq!(listed.body["items"], json!([]));
    assert!(audit_of(&app, &a.access, "agent.enrolled").await.is_empty());
    // The one-use token is unspent.
    let r = enroll_reply(&app, good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

/// `replaces` retires an agent of the same organization silent for at least 10 minutes.
async fn replaces_retires_a_silent_agent_of_the_organization(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let old = new_agent(&t, &app, &a.org_id, "web-1").await;
    let theirs = new_agent(&t, &app, &b.org_id, "db-1").await;
    let token = mint_token(&t, &a.org_id, 5);
    let replacing = |id: &str| {
        let mut body = enroll_body(&token, &new_instance_id(), "web-1b");
        body["replaces"] = json!(id);
        body
    };
    let refused = |r: &Reply, what: &str| {
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {:?}",
            r.body
        );
        assert!(r.body["error"]["fields"]["replaces"].is_array(), "{what}");
    };
    refused(
        &enroll_reply(&app, replacing(&old.id)).await,
        "heard from 9 minutes ago",
    );
    clock.advance(Duration::seconds(540));
    refused(
        &enroll_reply(&app, replacing(&old.id)).await,
        "silent for 9 minutes",
    );
    clock.advance(Duration::seconds(61));
    let now = clock.now().timestamp();
    let access = access_of(&login(&app, &a.email, PASSWORD).await);
    let b_access = access_of(&login(&app, &b.email, PASSWORD).await);
    refused(
        &enroll_reply(&app, replacing(&theirs.id)).await,
        "another organization's",
    );
    refused(
        &enroll_reply(&app, replacing(&new_instance_id())).await,
        "unknown",
    );

    let new = enroll_reply(&app, replacing(&old.id)).await;
    assert_eq!(new.status, StatusCode::CREATED, "{:?}", new.body);
    assert_ne!(new.body["agent_id"], old.id.as_str());
    assert_eq!(
        agent_view(&app, &access, &old.id).await.body["status"],
        "superseded"
    );
    let r = send(&app, heartbeat(&old).at(now).request()).await;
    assert_invalid_signature_near(&r, "a superseded agent", now);
    let superseded = audit_of(&app, &access, "agent.superseded").await;
    assert_eq!(superseded.len(), 1);
    assert_eq!(superseded[0]["resource_id"], old.id.as_str());
    assert_eq!(
        agent_view(&app, &b_access, &theirs.id).await.body["status"],
        "pending"
    );
    let r = send(&app, heartbeat(&theirs).at(now).request()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the other organization's agent: {:?}",
        r.body
    );
}

on_both_backends!(
    an_unusable_token_gets_one_answer,
    a_malformed_enrollment_stores_nothing,
    replaces_retires_a_silent_agent_of_the_organization,
);
