//! `POST /ingest/multi`, the original system's shape: its field maps, its answer, and now an
//! ingest token (the original accepted anyone).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::common::*;

const MULTI: &str = "/ingest/multi";

fn batch(source_type: &str, events: Vec<Value>) -> Vec<u8> {
    json!({"source_type": source_type, "hostname": "sensor-1", "events": events})
        .to_string()
        .into_bytes()
}

async fn the_original_shape_with_a_token(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "custom").await;
    // cowrie's field names as the original forwarders sent them: srcip, peer_ip, dstport.
    let mut events: Vec<Value> = (0..6)
        .map(|i| {
            json!({"eventid": "cowrie.login.failed", "srcip": "198.51.100.20",
                        "dstport": 22, "username": "root", "session": format!("s{i}")})
        })
        .collect();
    events.push(json!({"eventid": "cowrie.session.connect", "peer_ip": "198.51.100.21"}));
    events.push(json!({"eventid": "cowrie.session.connect"}));
    let reply = send(&app, hec(MULTI, Some(&token), batch("cowrie", events))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["source_type"], "cowrie");
    assert_eq!(reply.body["hostname"], "sensor-1");
    assert_eq!(reply.body["total_events"], 8);
    assert_eq!(reply.body["processed"], 7);
    assert_eq!(reply.body["failed"], 1);
    assert!(
        reply.body["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("event 7:")
    );
    assert_eq!(reply.body["incidents_detected"], 1);
    let incidents = send(&app, get("/api/v1/incidents", Some(&a.access))).await;
    assert_eq!(incidents.body["items"][0]["src_ip"], "198.51.100.20");

    let suricata = json!({"event_type": "alert", "src_ip": "203.0.113.9", "dest_ip": "10.0.0.5",
                          "dest_port": 443, "alert": {"signature": "ET SCAN Nmap"}});
    let zeek = json!({"id.orig_h": "203.0.113.10", "id.resp_h": "10.0.0.6", "id.resp_p": 22});
    let syslog = json!({"message": "sshd: Failed password for root from 203.0.113.11 port 22"});
    for (kind, event) in [("suricata", suricata), ("zeek", zeek), ("syslog", syslog)] {
        let reply = send(&app, hec(MULTI, Some(&token), batch(kind, vec![event]))).await;
        assert_eq!(reply.body["processed"], 1, "{kind}: {:?}", reply.body);
    }
    let events = send(
        &app,
        get("/api/v1/events?src_ip=203.0.113.9", Some(&a.access)),
    )
    .await;
    let stored = &events.body["items"][0];
    assert_eq!(stored["event_type"], "suricata.alert");
    assert_eq!(stored["message"], "ET SCAN Nmap");
    assert_eq!(stored["log_source_id"], source.as_str());
}

async fn refusals(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (_, token, _) = source_with_token(&app, &a, "custom").await;
    let body = batch(
        "cowrie",
        vec![json!({"eventid": "cowrie.session.connect", "src_ip": "198.51.100.1"})],
    );
    let anonymous = send(&app, hec(MULTI, None, body.clone())).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "the original accepted anyone"
    );
    let user = send(&app, hec(MULTI, Some(&a.access), body)).await;
    assert_eq!(
        user.status,
        StatusCode::FORBIDDEN,
        "a user's token is not an ingest token"
    );
    let unknown = send(&app, hec(MULTI, Some(&token), batch("netflow", vec![]))).await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        unknown.body
    );
    let not_json = send(&app, hec(MULTI, Some(&token), "{\"events\": ")).await;
    assert_eq!(
        not_json.status,
        StatusCode::BAD_REQUEST,
        "{:?}",
        not_json.body
    );
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(events.body["items"], json!([]), "nothing was stored");
}

on_both_backends!(the_original_shape_with_a_token, refusals);
