//! CORS: off by default; with `server.cors_allowed_origins`, exactly those origins get the
//! CORS headers and an answered preflight, never credentials; any other origin gets nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use xdr_http::{CorsOrigins, HttpConfig};

use crate::common::*;

const CONSOLE: &str = "https://console.acme.example";

fn allowing(origins: &[&str]) -> HttpConfig {
    HttpConfig {
        cors_origins: CorsOrigins::parse(origins).unwrap(),
        ..HttpConfig::default()
    }
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

fn preflight(path: &str, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", "POST"))
        .insert_header((
            "Access-Control-Request-Headers",
            "authorization, content-type",
        ))
}

fn assert_no_cors(what: &str, reply: &Reply) {
    for (name, _) in reply.headers.iter() {
        assert!(
            !name.as_str().starts_with("access-control-"),
            "{what}: {name} sent"
        );
    }
}

async fn off_by_default(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let simple = send(
        &app,
        get("/healthz", None).insert_header(("Origin", CONSOLE)),
    )
    .await;
    assert_eq!(simple.status, StatusCode::OK);
    assert_no_cors("simple request", &simple);
    let pre = send(&app, preflight("/api/v1/auth/login", CONSOLE)).await;
    assert_no_cors("preflight", &pre);
    assert_ne!(pre.status, StatusCode::NO_CONTENT);
}

async fn an_allowed_origin_gets_its_preflight_answered(backend: Backend) {
    let t = TestApp::with_http_config(backend, allowing(&[CONSOLE, "http://127.0.0.1:3000"]));
    let app = t.service().await;
    let pre = send(&app, preflight("/api/v1/auth/login", CONSOLE)).await;
    assert_eq!(pre.status, StatusCode::NO_CONTENT);
    assert_eq!(header(&pre, "access-control-allow-origin"), Some(CONSOLE));
    let methods = header(&pre, "access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(&pre, "access-control-allow-headers").unwrap();
    assert!(headers.contains("authorization") && headers.contains("content-type"));
    assert!(header(&pre, "access-control-max-age").is_some());
    assert_eq!(header(&pre, "access-control-allow-credentials"), None);
    assert_eq!(header(&pre, "vary"), Some("Origin"));
    // The preflight is an answer like any other: security headers and a request id.
    assert_eq!(header(&pre, "x-content-type-options"), Some("nosniff"));
    assert!(header(&pre, "x-request-id").is_some());
}

async fn an_allowed_origin_may_read_the_answer(backend: Backend) {
    let t = TestApp::with_http_config(backend, allowing(&[CONSOLE]));
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let me = send(
        &app,
        get("/api/v1/auth/me", Some(&admin.access)).insert_header(("Origin", CONSOLE)),
    )
    .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(header(&me, "access-control-allow-origin"), Some(CONSOLE));
    assert!(
        header(&me, "access-control-expose-headers")
            .unwrap()
            .contains("x-request-id")
    );
    assert_eq!(header(&me, "access-control-allow-credentials"), None);
    assert_eq!(header(&me, "vary"), Some("Origin"));
    // Errors too, so that the page can read why.
    let denied = send(
        &app,
        get("/api/v1/auth/me", None).insert_header(("Origin", CONSOLE)),
    )
    .await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&denied, "access-control-allow-origin"),
        Some(CONSOLE)
    );
}

async fn any_other_origin_gets_no_cors_headers(backend: Backend) {
    let t = TestApp::with_http_config(backend, allowing(&[CONSOLE]));
    let app = t.service().await;
    for other in [
        "https://evil.example",
        "https://console.acme.example.evil.example",
        "http://console.acme.example",
        "https://console.acme.example:8443",
        "https://CONSOLE.acme.example",
        "null",
    ] {
        let pre = send(&app, preflight("/api/v1/auth/login", other)).await;
        assert_ne!(pre.status, StatusCode::NO_CONTENT, "{other}");
        assert_no_cors(other, &pre);
        let simple = send(&app, get("/healthz", None).insert_header(("Origin", other))).await;
        assert_eq!(simple.status, StatusCode::OK);
        assert_no_cors(other, &simple);
        // Caches still learn that the answer depends on the origin.
        assert_eq!(header(&simple, "vary"), Some("Origin"));
    }
    let without_origin = send(&app, get("/healthz", None)).await;
    assert_no_cors("no Origin", &without_origin);
}

on_both_backends!(
    off_by_default,
    an_allowed_origin_gets_its_preflight_answered,
    an_allowed_origin_may_read_the_answer,
    any_other_origin_gets_no_cors_headers,
);
