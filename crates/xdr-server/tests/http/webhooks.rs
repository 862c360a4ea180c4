//! Webhook delivery to a real receiver on 127.0.0.1: signed requests, retries, failures, the
//! bounded queue and the start-up re-queue; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use crate::common::receiver::{Receiver, Step};
use crate::common::webhooks::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};
use xdr_service::webhooks::DeliveryConfig;

async fn a_policy_action_is_delivered_signed(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let secret = configure(&app, &a.access, &receiver.url).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    // Twenty-five failed logins: the default policy blocks the source, through the webhook.
    let ingested = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 25),
        ),
    )
    .await;
    assert_eq!(ingested.status, StatusCode::ACCEPTED, "{:?}", ingested.body);
    let incident = ingested.body["incidents_opened"][0].as_str().unwrap();
    let actions = send(&app, get("/api/v1/actions", Some(&a.access))).await;
    let action = &actions.body["items"][0];
    assert_eq!(action["executor"], "webhook", "{action}");
    let id = action["id"].as_str().unwrap();
    let done = settled(&app, &a.access, id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"], "HTTP 200 after 1 attempt");

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/hooks/mini-xdr")
    );
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["x-minixdr-delivery"], id);
    assert!(
        request.headers["x-minixdr-timestamp"]
            .parse::<i64>()
            .unwrap()
            > 1_700_000_000
    );
    assert!(signature_verifies(&secret, request), "{request:?}");
    assert!(!signature_verifies("another-secret-entirely", request));
    let mut tampered = request.clone();
    tampered.body = tampered.body.replace("block_ip", "unblock_ip");
    assert!(!signature_verifies(&secret, &tampered));

    let body: Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["delivery_id"], id);
    assert_eq!(body["organization_id"], a.org_id.as_str());
    assert_eq!(body["action"], "block_ip");
    assert_eq!(body["params"], json!({"duration_seconds": 3600}));
    assert_eq!(body["incident"]["id"], incident);
    assert_eq!(body["incident"]["rule"], "ssh_brute_force");
    assert_eq!(body["incident"]["src_ip"], "203.0.113.7");
    assert_eq!(body["incident"]["event_count"], 25);
    for field in ["severity", "risk_score", "status"] {
        assert!(!body["incident"][field].is_null(), "{field}");
    }
    assert_eq!(body["created_at"].as_str().map(str::len), Some(27));
    assert!(!request.body.contains(&secret));
}

async fn server_errors_are_retried_until_success(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(500), Step::Status(503), Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let taken = act(&app, &a.access, &incident).await;
    assert_eq!(
        (taken["status"].as_str(), taken["executor"].as_str()),
        (Some("pending"), Some("webhook")),
        "{taken}"
    );
    assert_eq!(taken["created_by"], a.user_id.as_str());
    let id = taken["id"].as_str().unwrap();
    let done = settled(&app, &a.access, id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"], "HTTP 200 after 3 attempts");
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    // One delivery: every attempt carries the same id and body.
    assert!(
        received
            .iter()
            .all(|r| r.headers["x-minixdr-delivery"] == id)
    );
    assert!(received.iter().all(|r| r.body == received[0].body));
}

async fn persistent_server_errors_fail_after_the_last_attempt(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(500)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["result"], "HTTP 500 after 3 attempts");
    assert_eq!(receiver.received().len(), 3, "bounded by max_attempts");
}

async fn client_errors_are_not_retried(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(400), Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["result"], "HTTP 400 after 1 attempt (not retried)");
    assert_eq!(receiver.received().len(), 1);
}

async fn redirects_are_not_followed(backend: Backend) {
    let receiver = Receiver::start(&[Step::Redirect("/elsewhere"), Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(
        done["result"],
        "HTTP 302 after 1 attempt (redirects are not followed)"
    );
    let paths: Vec<String> = receiver.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/hooks/mini-xdr"]);
}

async fn a_receiver_that_does_not_answer_times_out(backend: Backend) {
    let receiver = Receiver::start(&[Step::Stall(Duration::from_secs(5))]);
    let mut config = local_delivery();
    config.retry.max_attempts = 2;
    let t = TestApp::with_webhooks(backend, config);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["result"], "timed out after 2 attempts");
}

/// Requests never wait on the receiver, and a full queue fails the action at once.
async fn requests_do_not_wait_and_a_full_queue_fails_the_action(backend: Backend) {
    let receiver = Receiver::start(&[Step::Stall(Duration::from_secs(60))]);
    let config = DeliveryConfig {
        timeout: Duration::from_secs(30),
        queue_capacity: 1,
        concurrency: 1,
        ..local_delivery()
    };
    let t = TestApp::with_webhooks(backend, config);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    // The first delivery holds the only worker slot while the receiver stalls...
    let first = act(&app, &a.access, &incident).await;
    assert_eq!(first["status"], "pending");
    until("requests received", 1, || receiver.received().len()).await;
    // ...the second waits in the queue (answered at once, still pending)...
    let second = act(&app, &a.access, &incident).await;
    assert_eq!(second["status"], "pending", "{second}");
    // ...and the third finds the queue full: failed, with the reason, never silently dropped.
    let third = act(&app, &a.access, &incident).await;
    assert_eq!(third["status"], "failed", "{third}");
    assert_eq!(
        third["result"],
        "not delivered: the delivery queue is full (1 deliveries waiting)"
    );
    let listed = send(&app, get("/api/v1/actions", Some(&a.access)))
        .await
        .body;
    let stored = listed["items"].as_array().unwrap();
    let status_of = |id: &Value| stored.iter().find(|a| a["id"] == *id).unwrap()["status"].clone();
    assert_eq!(status_of(&third["id"]), "failed");
    assert_eq!(status_of(&first["id"]), "pending");
}

async fn pending_deliveries_are_queued_again_at_start_up(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(204)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    settled(&app, &a.access, &id).await;
    // As if the server had stopped before the delivery finished, and its claim on the
    // delivery had run out since.
    let changed = t.db.execute_sql(&format!(
        "UPDATE action_logs SET status = 'pending', result = NULL, \
         claimed_until = '2000-01-01 00:00:00' WHERE id = '{id}'"
    ));
    assert_eq!(changed, 1);
    let restarted = t.state_with_webhooks(local_delivery());
    assert_eq!(restarted.webhooks.resume_pending().await.unwrap(), 1);
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"], "HTTP 204 after 1 attempt");
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].headers["x-minixdr-delivery"], received[1].headers["x-minixdr-delivery"],
        "receivers deduplicate by delivery id"
    );
    // Nothing pending: nothing to resume.
    assert_eq!(restarted.webhooks.resume_pending().await.unwrap(), 0);
}

async fn without_an_enabled_webhook_actions_are_recorded(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let incident = open_incident(&app, &a.access).await;
    let recorded = act(&app, &a.access, &incident).await;
    assert_eq!(
        (recorded["status"].as_str(), recorded["executor"].as_str()),
        (Some("recorded"), Some("record"))
    );
    configure(&app, &a.access, &receiver.url).await;
    let body = json!({"url": receiver.url, "enabled": false});
    let disabled = send(&app, put(WEBHOOK, Some(&a.access), body)).await;
    assert_eq!(disabled.status, StatusCode::OK, "{:?}", disabled.body);
    assert_eq!(disabled.body["enabled"], false);
    let still_recorded = act(&app, &a.access, &incident).await;
    assert_eq!(still_recorded["executor"], "record");
    assert!(receiver.received().is_empty());
}

on_both_backends!(
    a_policy_action_is_delivered_signed,
    server_errors_are_retried_until_success,
    persistent_server_errors_fail_after_the_last_attempt,
    client_errors_are_not_retried,
    redirects_are_not_followed,
    a_receiver_that_does_not_answer_times_out,
    requests_do_not_wait_and_a_full_queue_fails_the_action,
    pending_deliveries_are_queued_again_at_start_up,
    without_an_enabled_webhook_actions_are_recorded,
);
