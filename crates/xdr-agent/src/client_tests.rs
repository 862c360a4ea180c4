#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use uuid::Uuid;
use xdr_auth::agent_signature::{SignedRequest, decode_secret, verify};

use super::*;
use crate::testserver::{Recorded, Scripted, TestServer};

const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const HEARTBEAT_OK: &str =
    r#"{"server_time":"2026-01-01T00:00:00Z","heartbeat_interval_seconds":30}"#;

fn client(url: &str) -> AgentClient {
    AgentClient::signed(&Credentials {
        server_url: url.to_owned(),
        trust: Default::default(),
        agent_id: "agent-1".into(),
        agent_secret: Secret::new(SECRET.into()),
    })
    .unwrap()
}

fn heartbeat() -> HeartbeatRequest {
    HeartbeatRequest {
        instance_id: uuid::Uuid::nil(),
        status: "ok",
        metrics: serde_json::json!({}),
        buffered_events: 0,
        dropped_events: 0,
    }
}

fn verifies(r: &Recorded, now: i64) -> bool {
    let key = decode_secret(SECRET).unwrap();
    let request = SignedRequest {
        method: &r.method,
        path_with_query: &r.target,
        timestamp: r.header("x-timestamp"),
        nonce: r.header("x-nonce"),
        signature: r.header("x-signature"),
        body: &r.body,
    };
    verify(&key, &request, now).is_ok()
}

fn timestamp(r: &Recorded) -> i64 {
    r.header("x-timestamp").unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_skewed_401_is_corrected_and_retried_once() {
    let server_now = ClockOffset::local_now() + 3600;
    let server = TestServer::start(vec![
        Scripted::new(
            401,
            r#"{"error":{"code":"invalid_signature","message":"x"}}"#,
        )
        .header("X-Server-Time", &server_now.to_string()),
        Scripted::new(
            200,
            &format!(r#"{{"server_time":{server_now},"heartbeat_interval_seconds":30}}"#),
        ),
    ])
    .await;
    let c = client(&server.url);
    c.heartbeat(&heartbeat()).await.unwrap();
    let requests = server.recorded();
    assert_eq!(requests.len(), 2);
    assert!((timestamp(&requests[1]) - server_now).abs() <= 2);
    assert!(verifies(&requests[1], server_now));
    assert_ne!(requests[0].header("x-nonce"), requests[1].header("x-nonce"));
    assert!((c.offset().get() - 3600).abs() <= 2);
}

#[tokio::test]
async fn a_401_with_a_right_clock_is_not_retried() {
    let now = ClockOffset::local_now();
    let server = TestServer::start(vec![
        Scripted::new(
            401,
            r#"{"error":{"code":"invalid_signature","message":"revoked"}}"#,
        )
        .header("X-Server-Time", &now.to_string()),
    ])
    .await;
    let e = client(&server.url)
        .heartbeat(&heartbeat())
        .await
        .unwrap_err();
    assert!(matches!(e, ClientError::Unauthorized { ref code, .. } if code == "invalid_signature"));
    assert!(e.is_retryable(), "retried later, with backoff");
    assert_eq!(server.recorded().len(), 1);
}

#[tokio::test]
async fn rate_limits_and_invalid_batches_are_told_apart() {
    let server = TestServer::start(vec![
        Scripted::new(429, r#"{"error":{"code":"rate_limited","message":"slow"}}"#)
            .header("Retry-After", "3"),
        Scripted::new(
            422,
            r#"{"error":{"code":"validation_failed","message":"bad"}}"#,
        ),
        Scripted::new(
            202,
            r#"{"accepted":1,"duplicate":false,"incidents_opened":[]}"#,
        ),
    ])
    .await;
    let c = client(&server.url);
    let body = crate::wire::events_body(
        Uuid::new_v4(),
        &[r#"{"event_type":"x","src_ip":"1.2.3.4"}"#.into()],
    );
    let busy = c.send_events(&body).await.unwrap_err();
    assert_eq!(busy.retry_after(), Some(Duration::from_secs(3)));
    let invalid = c.send_events(&body).await.unwrap_err();
    assert!(matches!(invalid, ClientError::Rejected { status: 422, .. }));
    assert!(!invalid.is_retryable());
    assert_eq!(c.send_events(&body).await.unwrap().accepted, 1);
    let requests = server.recorded();
    assert!(
        requests
            .iter()
            .all(|r| r.body == body && r.target == EVENTS_PATH)
    );
    assert!(
        requests
            .iter()
            .all(|r| verifies(r, ClockOffset::local_now()))
    );
}

#[tokio::test]
async fn a_path_prefix_is_part_of_what_is_signed() {
    let server = TestServer::start(vec![Scripted::new(200, HEARTBEAT_OK)]).await;
    let c = client(&format!("{}/xdr/", server.url));
    c.heartbeat(&heartbeat()).await.unwrap();
    let r = &server.recorded()[0];
    assert_eq!(r.target, "/xdr/api/v1/agents/heartbeat");
    assert_eq!(r.header("x-agent-id"), Some("agent-1"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(verifies(r, ClockOffset::local_now()));
}

#[tokio::test]
async fn enrollment_is_unsigned_and_learns_the_clock() {
    let server_time = ClockOffset::local_now() - 900;
    let server = TestServer::start(vec![Scripted::new(
        201,
        &format!(
            r#"{{"agent_id":"a9","agent_secret":"{SECRET}","heartbeat_interval_seconds":15,"server_time":{server_time}}}"#
        ),
    )])
    .await;
    let c = AgentClient::new(&server.url, &Default::default()).unwrap();
    let instance_id = Uuid::new_v4();
    let response = c
        .enroll(&EnrollRequest {
            enrollment_token: "tok",
            instance_id,
            hostname: "h",
            platform: "linux",
            os_version: None,
            ip_address: None,
            agent_version: "1",
            replaces: None,
        })
        .await
        .unwrap();
    assert_eq!(response.agent_id, "a9");
    assert!((c.offset().get() + 900).abs() <= 2);
    let r = &server.recorded()[0];
    assert_eq!(r.target, ENROLL_PATH);
    assert!(r.header("x-signature").is_none());
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["instance_id"], instance_id.to_string());
    assert!(body.get("replaces").is_none());
}

fn trust(ca_file: &std::path::Path) -> ServerTrust {
    ServerTrust {
        ca_file: Some(ca_file.to_owned()),
        pin: None,
    }
}

#[test]
fn a_ca_file_must_hold_certificates() {
    let dir = crate::testdir::TestDir::new("ca");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, "not a certificate").unwrap();
    let https = "https://127.0.0.1:1";
    assert!(matches!(
        AgentClient::new(https, &trust(&path)),
        Err(ClientError::CaFile(_))
    ));
    let missing = dir.path().join("missing.pem");
    assert!(matches!(
        AgentClient::new(https, &trust(&missing)),
        Err(ClientError::CaFile(_))
    ));
    assert!(AgentClient::new(https, &Default::default()).is_ok());
}

#[test]
fn bad_server_urls_are_refused() {
    for url in ["ftp://x", "not a url", "http://h/?q=1", "http://h/#f"] {
        assert!(
            matches!(
                AgentClient::new(url, &Default::default()),
                Err(ClientError::BadUrl(_))
            ),
            "{url}"
        );
    }
}
