//! HEC's limits: gzip bodies taken, a body or its decompressed size over the limit refused
//! with 413 (a gzip bomb stops at the limit), a token's rate limit with Retry-After, and the
//! cap on events per request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::num::NonZeroU32;

use actix_web::http::StatusCode;
use flate2::Compression;
use flate2::write::GzEncoder;
use xdr_http::{AgentRateLimitConfig, HttpConfig};

use super::*;
use crate::common::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn gzipped(path: &str, token: &str, body: Vec<u8>) -> actix_web::test::TestRequest {
    hec(path, Some(token), body).insert_header(("Content-Encoding", "gzip"))
}

async fn gzip_bodies_and_size_limits(backend: Backend) {
    let limit = 16 * 1024;
    let t = TestApp::with_http_config(
        backend,
        HttpConfig {
            ingest_body_limit_bytes: limit,
            ..HttpConfig::default()
        },
    );
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "cowrie").await;
    let body = failed_logins_hec("198.51.100.5", 6);
    let reply = send(&app, gzipped(EVENT, &token, gzip(body.as_bytes()))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let incidents = send(&app, get("/api/v1/incidents", Some(&a.access))).await;
    assert_eq!(incidents.body["items"][0]["src_ip"], "198.51.100.5");

    // 1 MiB of spaces compresses far under the limit but expands past it: refused at the
    // limit, without expanding the rest.
    let bomb = gzip(&vec![b' '; 1024 * 1024]);
    assert!(
        bomb.len() < limit,
        "the bomb itself is small: {}",
        bomb.len()
    );
    for req in [
        gzipped(EVENT, &token, bomb),
        hec(EVENT, Some(&token), vec![b' '; limit + 1]),
    ] {
        let reply = send(&app, req).await;
        assert_eq!(
            reply.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{:?}",
            reply.body
        );
        assert_eq!(reply.body["text"], "Content too large");
    }
    for (encoding, payload) in [("gzip", b"not gzip at all".to_vec()), ("br", gzip(b"{}"))] {
        let req = hec(EVENT, Some(&token), payload).insert_header(("Content-Encoding", encoding));
        let reply = send(&app, req).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{encoding}");
        assert_eq!(hec_code(&reply), 6);
    }
    let view = send(
        &app,
        get(&format!("/api/v1/log-sources/{source}"), Some(&a.access)),
    )
    .await;
    assert_eq!(
        ingest_of(&view.body)["received"],
        6,
        "refused bodies count nothing"
    );
}

async fn each_token_has_a_rate_limit(backend: Backend) {
    let t = TestApp::with_http_config(
        backend,
        HttpConfig {
            ingest_rate_limit: Some(AgentRateLimitConfig {
                per_minute: NonZeroU32::new(1).unwrap(),
                burst: NonZeroU32::new(2).unwrap(),
            }),
            ..HttpConfig::default()
        },
    );
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (_, token, _) = source_with_token(&app, &a, "cowrie").await;
    let (_, other, _) = source_with_token(&app, &a, "syslog").await;
    let body = failed_logins_hec("198.51.100.6", 1);
    for _ in 0..2 {
        let ok = send(&app, hec(EVENT, Some(&token), body.clone())).await;
        assert_eq!(ok.status, StatusCode::OK);
    }
    let limited = send(&app, hec(EVENT, Some(&token), body.clone())).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(hec_code(&limited), 9);
    assert!(limited.headers.contains_key("retry-after"));
    let unaffected = send(&app, hec(EVENT, Some(&other), body)).await;
    assert_eq!(
        unaffected.status,
        StatusCode::OK,
        "another token has its own allowance"
    );
}

async fn too_many_events_in_one_request(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (_, token, _) = source_with_token(&app, &a, "syslog").await;
    let max = xdr_service::IngestConfig::default().max_events_per_request;
    let lines = "x\n".repeat(max + 1);
    let reply = send(&app, hec(RAW, Some(&token), lines)).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{:?}",
        reply.body
    );
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(events.body["items"], serde_json::json!([]));
}

on_both_backends!(
    gzip_bodies_and_size_limits,
    each_token_has_a_rate_limit,
    too_many_events_in_one_request,
);
