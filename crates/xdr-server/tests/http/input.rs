//! Bad input gets a clear 4xx and changes nothing; concurrent duplicates give one winner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::test::TestRequest;
use serde_json::json;

fn raw_post(path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header((CONTENT_TYPE, content_type.to_owned()))
        .set_payload(body.into())
}

async fn malformed_bodies_get_4xx(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let path = "/api/v1/auth/register";
    let bad_json = send(
        &app,
        raw_post(path, "application/json", "{\"organization_name\": "),
    )
    .await;
    assert_eq!(
        (bad_json.status, bad_json.code()),
        (StatusCode::BAD_REQUEST, "malformed_request")
    );
    let wrong_type = send(
        &app,
        raw_post(
            path,
            "text/plain",
            register_body("Acme", "a@acme.example").to_string(),
        ),
    )
    .await;
    assert_eq!(
        (wrong_type.status, wrong_type.code()),
        (StatusCode::BAD_REQUEST, "malformed_request")
    );
    let mut extra = register_body("Acme", "a@acme.example");
    extra["role"] = json!("admin");
    let unknown = send(&app, post(path, None, extra)).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert!(unknown.body["error"]["fields"]["role"].is_array());
    let missing = send(&app, post(path, None, json!({"organization_name": "Acme"}))).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong_types = send(&app, post(path, None, json!({"organization_name": 5, "admin_email": [], "admin_password": null, "admin_name": {}}))).await;
    assert_eq!(wrong_types.status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = format!(
        "{{\"organization_name\": \"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    let too_large = send(&app, raw_post(path, "application/json", huge)).await;
    assert_eq!(
        (too_large.status, too_large.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    // Nothing was created by any of it.
    assert_eq!(
        login(&app, "a@acme.example", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // No stack traces or internals in any error.
    for reply in [
        bad_json,
        wrong_type,
        unknown,
        missing,
        wrong_types,
        too_large,
    ] {
        let text = reply.body.to_string();
        assert!(
            !text.contains("serde") && !text.contains("diesel") && !text.contains("line "),
            "{text}"
        );
    }
}

async fn invalid_fields_are_all_reported(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let reply = send(&app, post("/api/v1/auth/register", None, json!({
        "organization_name": " ", "admin_email": "nope", "admin_password": "short", "admin_name": ""
    }))).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = reply.body["error"]["fields"].as_object().unwrap();
    for f in [
        "organization_name",
        "admin_email",
        "admin_password",
        "admin_name",
    ] {
        assert!(fields.contains_key(f), "{f} not reported: {fields:?}");
    }
    let weak = send(&app, post("/api/v1/auth/register", None, json!({
        "organization_name": "Acme", "admin_email": "ada@acme.example", "admin_password": "password1234", "admin_name": "Ada"
    }))).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body["error"]["fields"]["admin_password"].is_array());
}

async fn duplicates_conflict(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let same_email = send(
        &app,
        post(
            "/api/v1/auth/register",
            None,
            register_body("Other", "ADA@acme.example"),
        ),
    )
    .await;
    assert_eq!(
        (same_email.status, same_email.code()),
        (StatusCode::CONFLICT, "email_taken")
    );
    let same_org = send(
        &app,
        post(
            "/api/v1/auth/register",
            None,
            register_body("ACME", "bob@acme.example"),
        ),
    )
    .await;
    assert_eq!(
        (same_org.status, same_org.code()),
        (StatusCode::CONFLICT, "organization_exists")
    );
    // Same slug, different name: both exist, slugs differ.
    let a = register(&app, "Acme, Inc.", "carol@acme.example").await;
    let b = register(&app, "Acme Inc", "dave@acme.example").await;
    assert_ne!(
        a.body["organization"]["slug"],
        b.body["organization"]["slug"]
    );
}

async fn concurrent_duplicate_registration_has_one_winner(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let attempts = (0..8).map(|i| {
        let app = &app;
        async move {
            // Same email everywhere; same organization name for half of them.
            let org = if i % 2 == 0 {
                "Race Corp".to_owned()
            } else {
                format!("Race Corp {i}")
            };
            send(
                app,
                post(
                    "/api/v1/auth/register",
                    None,
                    register_body(&org, "race@race.example"),
                ),
            )
            .await
        }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    let conflicts = replies
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        created,
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert_eq!(conflicts, 7);
}

async fn malformed_ids_and_queries_are_not_5xx(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    for path in [
        "/api/v1/auth/sessions/%00",
        "/api/v1/auth/sessions/'%20OR%201=1",
        "/api/v1/auth/sessions/..%2F..",
    ] {
        let reply = send(&app, delete(path, Some(&r.access))).await;
        assert!(reply.status.is_client_error(), "{path}: {}", reply.status);
    }
}

/// A served path with a method it does not answer: 405 with `Allow`, in the error shape, and
/// nothing done; an unknown path stays 404.
async fn wrong_methods_get_405_with_allow(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let put_me = send(
        &app,
        crate::common::webhooks::put(
            "/api/v1/auth/me",
            Some(&r.access),
            json!({"full_name": "X"}),
        ),
    )
    .await;
    assert_eq!(
        (put_me.status, put_me.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert_eq!(put_me.headers.get("allow").unwrap(), "GET, PATCH");
    let me = send(&app, get("/api/v1/auth/me", Some(&r.access))).await;
    assert_eq!(me.body["user"]["full_name"], "Ada Admin");
    let trace = send(
        &app,
        TestRequest::default()
            .method(actix_web::http::Method::TRACE)
            .uri("/api/v1/incidents/0190a0e0-0000-7000-8000-000000000000"),
    )
    .await;
    assert_eq!(trace.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(trace.headers.get("allow").unwrap(), "GET, PATCH");
    let unknown = send(&app, get("/api/v1/nothing-here", Some(&r.access))).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

on_both_backends!(
    wrong_methods_get_405_with_allow,
    malformed_bodies_get_4xx,
    invalid_fields_are_all_reported,
    duplicates_conflict,
    concurrent_duplicate_registration_has_one_winner,
    malformed_ids_and_queries_are_not_5xx,
);
