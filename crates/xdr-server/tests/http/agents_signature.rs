//! Signed agent requests refused: a missing header, a signature over anything other than
//! what was sent, a timestamp more than 300 s away, a replayed or malformed nonce, an unknown
//! agent. Every refusal is the same 401 `invalid_signature` with `X-Server-Time`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::common::agents::*;
use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test;
use chrono::{Duration, Utc};
use serde_json::json;
use xdr_domain::{Clock, ManualClock};

#[track_caller]
fn assert_ok(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{what}: {:?}", reply.body);
}

async fn a_missing_header_is_refused(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    for header in ["X-Agent-Id", "X-Timestamp", "X-Nonce", "X-Signature"] {
        let r = send(&app, heartbeat(&agent).without(header).request()).await;
        assert_invalid_signature(&r, &format!("without {header}"));
    }
    let bare = send(&app, post(HEARTBEAT, None, json!({"status": "ok"}))).await;
    assert_invalid_signature(&bare, "no header at all");
    let r = send(&app, heartbeat(&agent).request()).await;
    assert_ok(&r, "every header");
}

async fn a_signature_over_anything_else_is_refused(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let other = new_agent(&t, &app, &a.org_id, "web-2").await;
    let stranger = xdr_crypto::random_token().expose().to_owned();
    let base = heartbeat(&agent);
    let good = base.computed_signature();
    let query = format!("{HEARTBEAT}?verbose=1");
    let forgeries = [
        ("another secret", heartbeat(&agent).secret(&stranger)),
        (
            "another agent's secret",
            heartbeat(&agent).secret(&other.secret),
        ),
        ("another agent's id", heartbeat(&agent).agent_id(&other.id)),
        ("zeros", heartbeat(&agent).signature(&"0".repeat(64))),
        (
            "upper-case hex",
            base.clone().signature(&good.to_uppercase()),
        ),
        ("truncated", base.clone().signature(&good[..62])),
        (
            "the body changed after signing",
            heartbeat(&agent)
                .raw_body(br#"{"status":"degraded"}"#)
                .signing_body(br#"{"status":"ok"}"#),
        ),
        ("an empty body signed", heartbeat(&agent).signing_body(b"")),
        (
            "another path signed",
            heartbeat(&agent).signing_path(EVENTS),
        ),
        (
            "the path signed without its query",
            heartbeat(&agent).to(&query).signing_path(HEARTBEAT),
        ),
        (
            "another method signed",
            heartbeat(&agent).signing_method("PUT"),
        ),
        (
            "a lower-case method signed",
            heartbeat(&agent).signing_method("post"),
        ),
    ];
    for (what, forged) in forgeries {
        let r = send(&app, forged.request()).await;
        assert_invalid_signature(&r, what);
    }
    // Nothing was spent: the request that was forged from verifies as it is.
    assert_ok(&send(&app, base.request()).await, "the original");
    // The request target as sent, query included, is what is signed.
    let with_query = heartbeat(&agent).to(&query);
    assert_ok(&send(&app, with_query.request()).await, "query signed");
    assert_ok(
        &send(&app, heartbeat(&other).request()).await,
        "the other agent",
    );
}

async fn a_timestamp_more_than_300_seconds_away_is_refused(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let now = clock.now().timestamp();
    for skew in [-301, 301, -3600, 86_400] {
        let r = send(&app, heartbeat(&agent).at(now + skew).request()).await;
        assert_invalid_signature(&r, &format!("{skew} s away"));
    }
    for raw in ["", "abc", "+1", "1.5", "-1", " 1", "99999999999999999999"] {
        let raw = if raw == "+1" {
            format!("+{now}")
        } else {
            raw.to_owned()
        };
        let r = send(&app, heartbeat(&agent).timestamp(&raw).request()).await;
        assert_invalid_signature(&r, &format!("timestamp {raw:?}"));
    }
    for skew in [-300, -299, 0, 299, 300] {
        let r = send(&app, heartbeat(&agent).at(now + skew).request()).await;
        assert_ok(&r, &format!("{skew} s away"));
    }
}

async fn a_replayed_nonce_is_refused(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let other = new_agent(&t, &app, &a.org_id, "web-2").await;
    let now = clock.now().timestamp();
    let first = heartbeat(&agent).at(now);
    assert_ok(&send(&app, first.request()).await, "first use");
    let nonce = first.nonce.clone();
    assert_invalid_signature(&send(&app, first.request()).await, "the same request again");
    let resigned = heartbeat(&agent).nonce(&nonce).at(now + 1);
    assert_invalid_signature(
        &send(&app, resigned.request()).await,
        "re-signed, same nonce",
    );
    let elsewhere = signed(&agent, EVENTS, &failed_logins("203.0.113.7", 1))
        .nonce(&nonce)
        .at(now);
    assert_invalid_signature(&send(&app, elsewhere.request()).await, "on another route");
    // Every server instance refuses it: the nonce is in the database.
    let second = test::init_service(xdr_http::app(t.state_with_vault(vault_ring()))).await;
    let there = heartbeat(&agent).nonce(&nonce).at(now);
    assert_invalid_signature(&send(&second, there.request()).await, "on another instance");
    assert!(events_of(&app, &a.access).await.is_empty());
    // The pair is (agent, nonce): another agent may happen to draw the same nonce.
    let theirs = heartbeat(&other).nonce(&nonce).at(now);
    assert_ok(
        &send(&app, theirs.request()).await,
        "another agent, same nonce",
    );
    // Refused for as long as it is remembered (600 s).
    clock.advance(Duration::seconds(599));
    let later = heartbeat(&agent).nonce(&nonce).at(clock.now().timestamp());
    let r = send(&app, later.request()).await;
    assert_invalid_signature_near(&r, "599 s later", clock.now().timestamp());
}

async fn a_malformed_nonce_is_refused(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let hex = fresh_nonce();
    let bad = [
        ("30 hex characters", "ab".repeat(15)),
        ("an odd length", format!("{hex}a")),
        ("130 hex characters", "cd".repeat(65)),
        ("upper-case hex", hex.to_uppercase()),
        ("not hex", "g".repeat(32)),
        ("empty", String::new()),
    ];
    for (what, nonce) in bad {
        let r = send(&app, heartbeat(&agent).nonce(&nonce).request()).await;
        assert_invalid_signature(&r, what);
    }
    for nonce in [
        fresh_nonce(),
        format!("{}{}", fresh_nonce(), "0".repeat(96)),
    ] {
        let r = send(&app, heartbeat(&agent).nonce(&nonce).request()).await;
        assert_ok(&r, &format!("{} hex characters", nonce.len()));
    }
}

async fn an_unknown_agent_is_refused(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "not-an-agent", ""] {
        let r = send(&app, heartbeat(&agent).agent_id(id).request()).await;
        assert_invalid_signature(&r, &format!("agent id {id:?}"));
    }
    // A user id (or an organization id) is not an agent id.
    let r = send(&app, heartbeat(&agent).agent_id(&a.user_id).request()).await;
    assert_invalid_signature(&r, "a user id");
}

/// A rotation must be signed with the current secret (API.md): the rotated-out secret, still
/// accepted for five minutes on the other routes, must not rotate again, or whoever stole it
/// gets a fresh secret and the real agent's expires five minutes later.
async fn a_rotated_out_secret_cannot_rotate(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let stolen = new_agent(&t, &app, &a.org_id, "web-1").await;
    let rotated = send(&app, signed(&stolen, ROTATE, &json!({})).request()).await;
    assert_ok(&rotated, "the agent rotates");
    let current = Agent {
        secret: rotated.body["agent_secret"].as_str().unwrap().to_owned(),
        ..stolen.clone()
    };
    assert_ok(&send(&app, heartbeat(&stolen).request()).await, "overlap");

    let r = send(&app, signed(&stolen, ROTATE, &json!({})).request()).await;
    assert_invalid_signature(&r, "rotation signed with the rotated-out secret");
    clock.advance(Duration::seconds(301));
    let r = send(
        &app,
        heartbeat(&current).at(clock.now().timestamp()).request(),
    )
    .await;
    assert_ok(&r, "the real agent's secret after five minutes");
}

on_both_backends!(
    a_missing_header_is_refused,
    a_signature_over_anything_else_is_refused,
    a_timestamp_more_than_300_seconds_away_is_refused,
    a_replayed_nonce_is_refused,
    a_malformed_nonce_is_refused,
    an_unknown_agent_is_refused,
    a_rotated_out_secret_cannot_rotate,
);
