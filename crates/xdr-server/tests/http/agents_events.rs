//! `POST /api/v1/agents/events`: the same ingest and detection as `POST /events`, in the
//! agent's organization and under its id, de-duplicated by `batch_id`; a bad batch stores
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::agents::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

async fn batches_are_stored_once_under_the_agents_identity(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let batch_id = uuid::Uuid::new_v4().to_string();
    let mut body = failed_logins("203.0.113.7", 6);
    body["batch_id"] = json!(batch_id);
    body["events"][0]["hostname"] = json!("bastion");

    let first = send(&app, signed(&agent, EVENTS, &body).request()).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{:?}", first.body);
    let opened = first.body["incidents_opened"].as_array().unwrap().clone();
    assert_eq!(opened.len(), 1, "{:?}", first.body);
    assert_eq!(
        first.body,
        json!({"accepted": 6, "duplicate": false, "incidents_opened": opened})
    );
    let incident = opened[0].as_str().unwrap();
    let shown = send(
        &app,
        get(&format!("/api/v1/incidents/{incident}"), Some(&a.access)),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK, "{:?}", shown.body);
    assert_eq!(shown.body["src_ip"], "203.0.113.7");

    let stored = events_of(&app, &a.access).await;
    assert_eq!(stored.len(), 6);
    for e in &stored {
        assert_eq!(e["agent_id"], agent.id.as_str(), "{e}");
        assert_eq!(e["organization_id"], a.org_id.as_str(), "{e}");
    }
    let mut hosts: Vec<&str> = stored
        .iter()
        .map(|e| e["hostname"].as_str().unwrap())
        .collect();
    hosts.sort_unstable();
    assert_eq!(
        hosts,
        ["bastion", "web-1", "web-1", "web-1", "web-1", "web-1"]
    );

    // The agent retries the batch (its answer was lost): nothing is stored again.
    let again = send(&app, signed(&agent, EVENTS, &body).request()).await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{:?}", again.body);
    assert_eq!(
        again.body,
        json!({"accepted": 6, "duplicate": true, "incidents_opened": []})
    );
    assert_eq!(events_of(&app, &a.access).await.len(), 6);

    // The batch id is the agent's: another agent's batch of the same id is its own.
    let other = new_agent(&t, &app, &a.org_id, "web-2").await;
    let theirs = send(&app, signed(&other, EVENTS, &body).request()).await;
    assert_eq!(theirs.status, StatusCode::ACCEPTED, "{:?}", theirs.body);
    assert_eq!(theirs.body["duplicate"], false);
    assert_eq!(theirs.body["accepted"], 6);
    assert_eq!(events_of(&app, &a.access).await.len(), 12);

    // Without a batch id, each batch is new.
    let plain = failed_logins("198.51.100.4", 1);
    for _ in 0..2 {
        let r = send(&app, signed(&agent, EVENTS, &plain).request()).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
        assert_eq!(r.body["duplicate"], false);
    }
    assert_eq!(events_of(&app, &a.access).await.len(), 14);

    // Another organization sees none of it.
    let b = register(&app, "Globex", "hank@globex.example").await;
    assert!(events_of(&app, &b.access).await.is_empty());
}

fn event() -> Value {
    json!({"event_type": "cowrie.login.failed", "src_ip": "203.0.113.7", "dst_port": 22})
}

async fn bad_batches_store_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let b = register(&app, "Globex", "hank@globex.example").await;

    let mut naming_an_org = event();
    naming_an_org["organization_id"] = json!(b.org_id);
    let too_many: Vec<Value> = (0..1001).map(|_| event()).collect();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "an event naming an organization",
            json!({"events": [event(), naming_an_org]}),
            "organization_id",
        ),
        (
            "a batch naming an organization",
            json!({"organization_id": b.org_id, "events": [event()]}),
            "organization_id",
        ),
        (
            "an event naming an agent",
            json!({"events": [{"agent_id": agent.id, "event_type": "x.y", "src_ip": "192.0.2.1"}]}),
            "agent_id",
        ),
        ("1001 events", json!({"events": too_many}), "events"),
        ("no events", json!({"events": []}), "events"),
        (
            "a batch id that is no uuid",
            json!({"batch_id": "batch-1", "events": [event()]}),
            "batch_id",
        ),
        (
            "a bad event among good ones",
            json!({"events": [event(), {"event_type": "x.y", "src_ip": "not an ip"}]}),
            "events[1].src_ip",
        ),
    ];
    for (what, body, field) in cases {
        let r = send(&app, signed(&agent, EVENTS, &body).request()).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{what}: {:?}",
            r.body
        );
        let fields = r.body["error"]["fields"].as_object().unwrap();
        assert!(fields.contains_key(field), "{what}: {:?}", r.body);
    }
    let not_json = send(
        &app,
        signed(&agent, EVENTS, &json!({}))
            .raw_body(b"{\"events\": [")
            .request(),
    )
    .await;
    assert_eq!(
        (not_json.status, not_json.code()),
        (StatusCode::BAD_REQUEST, "malformed_request"),
        "{:?}",
        not_json.body
    );

    assert!(events_of(&app, &a.access).await.is_empty());
    assert!(events_of(&app, &b.access).await.is_empty());
    let incidents = send(&app, get("/api/v1/incidents", Some(&b.access))).await;
    assert_eq!(incidents.body["items"], json!([]));

    // The agent itself is fine: a good batch after all that is accepted.
    let ok = send(
        &app,
        signed(&agent, EVENTS, &json!({"events": [event()]})).request(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::ACCEPTED, "{:?}", ok.body);
    assert_eq!(ok.body["accepted"], 1);
}

/// A batch's nonce is recorded by the batch's own write: the same request again (even with
/// another batch id, re-signed) is a replay and stores nothing, and the nonce is spent for
/// every other route too.
async fn a_replayed_batch_stores_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let first = signed(&agent, EVENTS, &failed_logins("203.0.113.8", 2));
    let stored = send(&app, first.request()).await;
    assert_eq!(stored.status, StatusCode::ACCEPTED, "{:?}", stored.body);
    assert_invalid_signature(&send(&app, first.request()).await, "the same batch again");
    let mut other = failed_logins("203.0.113.8", 3);
    other["batch_id"] = json!(uuid::Uuid::new_v4().to_string());
    let resigned = signed(&agent, EVENTS, &other).nonce(&first.nonce);
    assert_invalid_signature(
        &send(&app, resigned.request()).await,
        "another batch, same nonce",
    );
    let beat = heartbeat(&agent).nonce(&first.nonce);
    assert_invalid_signature(
        &send(&app, beat.request()).await,
        "the nonce on another route",
    );
    assert_eq!(
        events_of(&app, &a.access).await.len(),
        2,
        "only the first batch"
    );
}

on_both_backends!(
    batches_are_stored_once_under_the_agents_identity,
    bad_batches_store_nothing,
    a_replayed_batch_stores_nothing,
);
