//! Events, detection, incidents, rules and the dashboard through the real app, both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

async fn brute_force_opens_then_grows_one_incident(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let five = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 5),
        ),
    )
    .await;
    assert_eq!(five.status, StatusCode::ACCEPTED, "{:?}", five.body);
    assert_eq!(five.body, json!({"accepted": 5, "incidents_opened": []}));
    let sixth = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 1),
        ),
    )
    .await;
    assert_eq!(sixth.body["incidents_opened"].as_array().unwrap().len(), 1);
    let id = sixth.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned();

    let list = send(&app, get("/api/v1/incidents?status=open", Some(&a.access))).await;
    let incident = &list.body["items"][0];
    assert_eq!(incident["id"], id.as_str());
    assert_eq!(incident["rule"], "ssh_brute_force");
    assert_eq!(incident["severity"], "medium");
    assert_eq!(incident["event_count"], 6);
    assert!((incident["risk_score"].as_f64().unwrap() - 0.66).abs() < 1e-9);

    let more = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 7),
        ),
    )
    .await;
    assert_eq!(
        more.body["incidents_opened"],
        json!([]),
        "attached to the open incident"
    );
    let detail = send(
        &app,
        get(&format!("/api/v1/incidents/{id}"), Some(&a.access)),
    )
    .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.body["event_count"], 13);
    assert_eq!(detail.body["severity"], "high");
    assert_eq!(detail.body["events"].as_array().unwrap().len(), 13);
    assert!(detail.body["events"][0]["raw"]["session"].is_string());
    let all = send(&app, get("/api/v1/incidents", Some(&a.access))).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
}

async fn port_scan_and_credential_stuffing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let scan: Vec<Value> = (1..=20)
        .map(|p| json!({"event_type": "net.connection", "src_ip": "198.51.100.4", "dst_port": p}))
        .collect();
    let stuffing: Vec<Value> = (0..10).map(|i| json!({"event_type": "auth.failed", "src_ip": "198.51.100.5", "dst_port": 443, "username": format!("user{i}")})).collect();
    let all: Vec<Value> = [scan, stuffing].concat();
    let reply = send(
        &app,
        post("/api/v1/events", Some(&a.access), json!({ "events": all })),
    )
    .await;
    assert_eq!(
        reply.body["incidents_opened"].as_array().unwrap().len(),
        2,
        "{:?}",
        reply.body
    );
    let scans = send(
        &app,
        get("/api/v1/incidents?src_ip=198.51.100.4", Some(&a.access)),
    )
    .await;
    assert_eq!(scans.body["items"][0]["rule"], "port_scan");
    let high = send(
        &app,
        get("/api/v1/incidents?severity=high", Some(&a.access)),
    )
    .await;
    assert_eq!(high.body["items"][0]["rule"], "credential_stuffing");
    let bad = send(
        &app,
        get("/api/v1/incidents?severity=urgent", Some(&a.access)),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_bad_event_rejects_the_whole_batch(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let batch = json!({"events": [
        {"event_type": "cowrie.login.failed", "src_ip": "203.0.113.7"},
        {"event_type": "cowrie.login.failed", "src_ip": "not-an-ip", "dst_port": 70000}
    ]});
    let reply = send(&app, post("/api/v1/events", Some(&a.access), batch)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body["error"]["fields"]["events[1].src_ip"].is_array());
    assert!(reply.body["error"]["fields"]["events[1].dst_port"].is_array());
    let empty = send(
        &app,
        post("/api/v1/events", Some(&a.access), json!({"events": []})),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let too_many = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.8", 1001),
        ),
    )
    .await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = send(&app, post("/api/v1/events", Some(&a.access), json!({"events": [{"event_type": "x", "src_ip": "1.2.3.4", "organization_id": a.org_id}]}))).await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(events.body["items"], json!([]), "nothing stored");
}

on_both_backends!(
    brute_force_opens_then_grows_one_incident,
    port_scan_and_credential_stuffing,
    a_bad_event_rejects_the_whole_batch,
);
