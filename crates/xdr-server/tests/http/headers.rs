//! Security headers on every response, `Cache-Control: no-store` on every answer that carries
//! tokens or secrets, and `X-Request-Id` (made here unless a trusted proxy names it), through
//! the real app on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use serde_json::json;
use xdr_http::{API_ROUTES, HttpConfig, OPERATIONAL_ROUTES, TrustedProxies};

use crate::common::credentials::credential_body;
use crate::common::*;
use crate::log_capture::Capture;

/// What every response carries, whatever its status.
fn assert_security_headers(what: &str, headers: &HeaderMap) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{what}: {name}"
        );
    }
    assert!(headers.get("server").is_none(), "{what}: Server header");
    let id = headers.get("x-request-id").and_then(|v| v.to_str().ok());
    assert!(id.is_some_and(is_uuid_v7), "{what}: X-Request-Id {id:?}");
}

fn is_uuid_v7(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 7)
}

fn request_id(reply: &Reply) -> &str {
    reply.headers.get("x-request-id").unwrap().to_str().unwrap()
}

/// Every served route (placeholders filled, no credentials), the docs UI, a missing path and an
/// unrouted method: whatever each answers, it carries the headers.
async fn every_response_carries_the_security_headers(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let id = uuid::Uuid::now_v7().to_string();
    let mut requests: Vec<(String, TestRequest)> = API_ROUTES
        .iter()
        .chain(OPERATIONAL_ROUTES)
        .map(|(method, template)| {
            let path = template
                .replace("{file}", "nothing")
                .replace("{rule}", "ssh_brute_force")
                .replace("{token_id}", &id)
                .replace("{id}", &id);
            let req = TestRequest::default()
                .method(method.to_uppercase().parse().unwrap())
                .uri(&path);
            (format!("{method} {path}"), req)
        })
        .collect();
    for path in ["/docs/", "/docs", "/api/openapi.json", "/no/such/path"] {
        requests.push((format!("get {path}"), TestRequest::get().uri(path)));
    }
    requests.push(("put /healthz".into(), TestRequest::put().uri("/healthz")));
    assert!(requests.len() > 90, "{} requests", requests.len());
    for (what, req) in requests {
        let reply = send(&app, req).await;
        assert_security_headers(&format!("{what} ({})", reply.status), &reply.headers);
    }
}

/// The answers that hand out tokens or secrets, each as it succeeds.
async fn answers_with_tokens_or_secrets_are_never_stored(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let mut answers = vec![("register", admin.body.clone(), StatusCode::CREATED)];
    let mut check = |what: &'static str, reply: Reply, status: StatusCode| {
        assert_eq!(reply.status, status, "{what}: {:?}", reply.body);
        assert_security_headers(what, &reply.headers);
        answers.push((what, reply.body, status));
    };
    let signed_in = login(&app, "ada@acme.example", PASSWORD).await;
    let refresh = signed_in.body["refresh_token"].as_str().unwrap().to_owned();
    check("login", signed_in, StatusCode::OK);
    let refreshed = send(
        &app,
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        ),
    )
    .await;
    check("refresh", refreshed, StatusCode::OK);
    let me = send(&app, get("/api/v1/auth/me", Some(&admin.access))).await;
    check("me", me, StatusCode::OK);
    let member = add_member(&app, &admin, "bob@acme.example", "analyst").await;
    check("accept-invitation", member, StatusCode::CREATED);
    let invitation = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "cy@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    check("invitation", invitation, StatusCode::CREATED);
    let credential = send(
        &app,
        post(
            "/api/v1/credentials",
            Some(&admin.access),
            credential_body("prod"),
        ),
    )
    .await;
    check("credential", credential, StatusCode::CREATED);
    let started = send(
        &app,
        post_empty("/api/v1/onboarding/start", Some(&admin.access)),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let minted = send(
        &app,
        post(
            "/api/v1/onboarding/generate-agent-token",
            Some(&admin.access),
            json!({"platform": "linux"}),
        ),
    )
    .await;
    let enrollment = minted.body["token"].as_str().unwrap().to_owned();
    check("enrollment token", minted, StatusCode::CREATED);
    let enrolled = send(
        &app,
        post(
            "/api/v1/agents/enroll",
            None,
            crate::common::onboarding::enroll_body(&enrollment, &uuid::Uuid::new_v4().to_string()),
        ),
    )
    .await;
    check("enroll", enrolled, StatusCode::CREATED);
    let source = send(
        &app,
        post(
            "/api/v1/log-sources",
            Some(&admin.access),
            json!({"name": "honeypot", "source_type": "cowrie"}),
        ),
    )
    .await;
    let source = source.body["id"].as_str().unwrap().to_owned();
    let ingest_token = send(
        &app,
        post(
            &format!("/api/v1/log-sources/{source}/ingest-tokens"),
            Some(&admin.access),
            json!({"label": "cowrie"}),
        ),
    )
    .await;
    check("ingest token", ingest_token, StatusCode::CREATED);
    // The checks above ran on real answers: each of them carried what it is there to hand out.
    for (what, body, _) in &answers {
        let text = body.to_string();
        assert!(
            [
                "access_token",
                "\"token\"",
                "agent_secret",
                "access_key_preview",
                "email"
            ]
            .iter()
            .any(|field| text.contains(field)),
            "{what}: {text}"
        );
    }
}

async fn an_untrusted_peer_cannot_name_the_request_id(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let chosen = "chosen-by-the-client";
    let first = send(
        &app,
        get("/healthz", None).insert_header(("X-Request-Id", chosen)),
    )
    .await;
    let second = send(
        &app,
        get("/healthz", None).insert_header(("X-Request-Id", chosen)),
    )
    .await;
    assert_ne!(request_id(&first), chosen);
    assert!(is_uuid_v7(request_id(&first)));
    assert_ne!(request_id(&first), request_id(&second));
}

async fn a_trusted_proxy_names_the_request_id_when_it_is_sane(backend: Backend) {
    // `send` comes from 203.0.113.10.
    let t = TestApp::with_http_config(
        backend,
        HttpConfig {
            trusted_proxies: TrustedProxies::parse(&["203.0.113.0/24"]).unwrap(),
            ..HttpConfig::default()
        },
    );
    let app = t.service().await;
    let sane = format!("lb-{}", "a1B2.c3_-".repeat(13));
    assert_eq!(sane.len(), 120);
    let kept = send(
        &app,
        get("/healthz", None).insert_header(("X-Request-Id", sane.as_str())),
    )
    .await;
    assert_eq!(request_id(&kept), sane);
    for insane in [
        "x".repeat(129),
        "has space".to_owned(),
        "quote\"d".to_owned(),
        "semi;colon".to_owned(),
        String::new(),
    ] {
        let replaced = send(
            &app,
            get("/healthz", None).insert_header(("X-Request-Id", insane.as_str())),
        )
        .await;
        assert!(is_uuid_v7(request_id(&replaced)), "{insane:?}");
    }
    let made = send(&app, get("/healthz", None)).await;
    assert!(is_uuid_v7(request_id(&made)));
}

/// The request's log lines (the middleware's and the use case's) carry its id.
async fn log_lines_of_a_request_carry_its_id(backend: Backend) {
    let t = TestApp::with_http_config(
        backend,
        HttpConfig {
            trusted_proxies: TrustedProxies::parse(&["203.0.113.10"]).unwrap(),
            ..HttpConfig::default()
        },
    );
    let app = t.service().await;
    let id = format!("trace-{}", uuid::Uuid::now_v7().simple());
    let capture = Capture::start();
    let reply = send(
        &app,
        post(
            "/api/v1/auth/register",
            None,
            register_body("Logged", "log@logged.example"),
        )
        .insert_header(("X-Request-Id", id.as_str())),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    assert_eq!(request_id(&reply), id);
    let logs = capture.logs();
    let tagged = format!("request{{request_id={id}}}");
    // Both only ever appear with a span when the span is there: the middleware's line and
    // the use case's (logged inside the register use case, below the handler).
    for message in ["organization registered", "path=/api/v1/auth/register"] {
        assert!(
            logs.lines()
                .any(|l| l.contains(message) && l.contains(&tagged)),
            "no {message:?} line tagged {tagged} in:\n{logs}"
        );
    }
}

on_both_backends!(
    every_response_carries_the_security_headers,
    answers_with_tokens_or_secrets_are_never_stored,
    an_untrusted_peer_cannot_name_the_request_id,
    a_trusted_proxy_names_the_request_id_when_it_is_sane,
    log_lines_of_a_request_carry_its_id,
);
