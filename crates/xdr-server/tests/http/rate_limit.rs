//! Per-IP rate limits on the auth endpoints, and which address counts as the client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::num::NonZeroU32;

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;
use xdr_http::{HttpConfig, RateLimitConfig, TrustedProxies};

const BURST: u32 = 3;

fn config(trusted: &[&str]) -> HttpConfig {
    HttpConfig {
        trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
        rate_limit: Some(RateLimitConfig {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(BURST).unwrap(),
            ipv6_prefix: xdr_http::rate_limit::DEFAULT_IPV6_PREFIX,
        }),
        ..HttpConfig::default()
    }
}

fn login_from(forwarded_for: Option<&str>) -> TestRequest {
    let req = post(
        "/api/v1/auth/login",
        None,
        json!({"email": "nobody@x.example", "password": "whatever it is"}),
    );
    match forwarded_for {
        Some(xff) => req.insert_header(("X-Forwarded-For", xff.to_owned())),
        None => req,
    }
}

async fn limited_after_the_burst_with_retry_after(backend: Backend) {
    let t = TestApp::with_http_config(backend, config(&[]));
    let app = t.service().await;
    for _ in 0..BURST {
        assert_ne!(
            send(&app, login_from(None)).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let limited = send(&app, login_from(None)).await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry: u64 = limited
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    // Register, refresh and accept-invitation share the client's allowance.
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/refresh",
        "/api/v1/auth/accept-invitation",
    ] {
        let reply = send(&app, post(path, None, json!({}))).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
    }
    // Other endpoints are not limited.
    assert_eq!(
        send(&app, get("/healthz", None)).await.status,
        StatusCode::OK
    );
}

async fn spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(backend: Backend) {
    let t = TestApp::with_http_config(backend, config(&[]));
    let app = t.service().await;
    for i in 0..BURST {
        send(&app, login_from(Some(&format!("198.51.100.{i}")))).await;
    }
    let spoofed = send(&app, login_from(Some("192.0.2.77"))).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn behind_a_trusted_proxy_each_client_has_its_own_allowance(backend: Backend) {
    // The test peer (203.0.113.10) is the trusted proxy.
    let t = TestApp::with_http_config(backend, config(&["203.0.113.0/24"]));
    let app = t.service().await;
    for _ in 0..BURST {
        send(&app, login_from(Some("198.51.100.1"))).await;
    }
    assert_eq!(
        send(&app, login_from(Some("198.51.100.1"))).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        send(&app, login_from(Some("198.51.100.2"))).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A client prepending a fake address is still keyed by its real (right-most) one.
    let prepended = send(&app, login_from(Some("10.9.9.9, 198.51.100.1"))).await;
    assert_eq!(prepended.status, StatusCode::TOO_MANY_REQUESTS);
}

/// One IPv6 subscriber has a whole /64: its addresses share one allowance, or an attacker would
/// have 2^64 of them.
async fn ipv6_clients_of_one_64_share_one_allowance(backend: Backend) {
    let t = TestApp::with_http_config(backend, config(&["203.0.113.0/24"]));
    let app = t.service().await;
    for i in 0..BURST {
        let addr = format!("2001:db8:77:1::{:x}", i + 1);
        let reply = send(&app, login_from(Some(&addr))).await;
        assert_ne!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    }
    for addr in ["2001:db8:77:1::ffff", "2001:db8:77:1:abcd:ef01:2345:6789"] {
        let reply = send(&app, login_from(Some(addr))).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{addr}");
    }
    let other = send(&app, login_from(Some("2001:db8:77:2::1"))).await;
    assert_ne!(other.status, StatusCode::TOO_MANY_REQUESTS, "another /64");
}

on_both_backends!(
    ipv6_clients_of_one_64_share_one_allowance,
    limited_after_the_burst_with_retry_after,
    spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing,
    behind_a_trusted_proxy_each_client_has_its_own_allowance,
);
