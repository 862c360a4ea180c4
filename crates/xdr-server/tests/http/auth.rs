//! Happy paths of every Auth and Organization endpoint, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn register_returns_tokens_user_and_organization(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme Security", "  Ada@Acme.Example ").await;
    let b = &r.body;
    assert_eq!(b["token_type"], "Bearer");
    assert_eq!(b["expires_in"], 900);
    assert_eq!(b["user"]["email"], "ada@acme.example");
    assert_eq!(b["user"]["role"], "admin");
    assert_eq!(b["user"]["is_active"], true);
    assert_eq!(b["user"]["organization_id"], b["organization"]["id"]);
    assert_eq!(b["organization"]["name"], "Acme Security");
    assert_eq!(b["organization"]["slug"], "acme-security");
    assert_eq!(b["organization"]["onboarding_status"], "not_started");
    assert!(b["user"].get("password_hash").is_none());
    assert_eq!(r.refresh.len(), 43);
}

async fn login_me_and_profile_update(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let reply = login(&app, " ADA@acme.example", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["user"]["id"], r.user_id.as_str());
    assert!(reply.body["user"]["last_login_at"].is_string());
    assert_eq!(reply.headers.get("cache-control").unwrap(), "no-store");
    let access = reply.body["access_token"].as_str().unwrap().to_owned();

    let me = send(&app, get("/api/v1/auth/me", Some(&access))).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "ada@acme.example");
    assert_eq!(me.body["organization"]["id"], r.org_id.as_str());

    let updated = send(
        &app,
        patch(
            "/api/v1/auth/me",
            Some(&access),
            json!({"full_name": " Ada L. "}),
        ),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated.body["user"]["full_name"], "Ada L.");
    // `/auth/me` is served from a cache of at most 1 s, which this process clears on change.
    let me = send(&app, get("/api/v1/auth/me", Some(&access))).await;
    assert_eq!(me.body["user"]["full_name"], "Ada L.", "no stale profile");
    let bad = send(
        &app,
        patch("/api/v1/auth/me", Some(&access), json!({"full_name": ""})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body["error"]["fields"]["full_name"].is_array());
}

async fn refresh_returns_a_new_pair(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let reply = send(
        &app,
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": r.refresh}),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let new_refresh = reply.body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, r.refresh);
    let access = reply.body["access_token"].as_str().unwrap();
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(access)))
            .await
            .status,
        StatusCode::OK
    );
}

async fn logout_ends_the_session(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&r.access)))
            .await
            .status,
        StatusCode::OK
    );
    let out = send(&app, post_empty("/api/v1/auth/logout", Some(&r.access))).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    // Immediately: the access token and the refresh token are dead.
    let me = send(&app, get("/api/v1/auth/me", Some(&r.access))).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.code(), "unauthorized");
    let refreshed = send(
        &app,
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": r.refresh}),
        ),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
}

async fn sessions_list_and_revoke(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let second = login(&app, "ada@acme.example", PASSWORD).await;
    let second_access = second.body["access_token"].as_str().unwrap().to_owned();

    let list = send(
        &app,
        get("/api/v1/auth/sessions", Some(&r.access)).insert_header(("User-Agent", "ua-test")),
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.body["next_cursor"].is_null());
    assert!(items.iter().all(|s| s["ip"] == "203.0.113.10"));

    let other = items.iter().find(|s| s["current"] == false).unwrap();
    let path = format!("/api/v1/auth/sessions/{}", other["id"].as_str().unwrap());
    assert_eq!(
        send(&app, delete(&path, Some(&r.access))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&second_access)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Already ended, or never existed: 404.
    assert_eq!(
        send(&app, delete(&path, Some(&r.access))).await.status,
        StatusCode::NOT_FOUND
    );
    let random = format!("/api/v1/auth/sessions/{}", uuid::Uuid::now_v7());
    assert_eq!(
        send(&app, delete(&random, Some(&r.access))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            delete("/api/v1/auth/sessions/not-a-uuid", Some(&r.access))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

async fn organization_get_and_rename(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    register(&app, "Globex", "hank@globex.example").await;
    let org = send(&app, get("/api/v1/organization", Some(&r.access))).await;
    assert_eq!(org.status, StatusCode::OK);
    assert_eq!(org.body["name"], "Acme");
    let renamed = send(
        &app,
        patch(
            "/api/v1/organization",
            Some(&r.access),
            json!({"name": "Acme Blue Team"}),
        ),
    )
    .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body["name"], "Acme Blue Team");
    assert_eq!(
        renamed.body["slug"], "acme",
        "the slug is stable across renames"
    );
    let taken = send(
        &app,
        patch(
            "/api/v1/organization",
            Some(&r.access),
            json!({"name": "GLOBEX"}),
        ),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.code(), "organization_exists");
}

async fn health_readiness_and_docs(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let h = send(&app, get("/healthz", None)).await;
    assert_eq!(
        (h.status, h.body.clone()),
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert_eq!(
        send(&app, get("/readyz", None)).await.status,
        StatusCode::OK
    );
    let doc = send(&app, get("/api/openapi.json", None)).await;
    assert_eq!(doc.status, StatusCode::OK);
    for path in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/logout-all",
        "/api/v1/auth/me",
        "/api/v1/auth/change-password",
        "/api/v1/auth/sessions",
        "/api/v1/auth/sessions/{id}",
        "/api/v1/organization",
        "/healthz",
        "/readyz",
    ] {
        assert!(
            doc.body["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    let metrics = send(&app, get("/metrics", None)).await;
    assert_eq!(metrics.status, StatusCode::OK);
    let text = metrics.body.as_str().unwrap();
    assert!(
        text.contains("# TYPE mini_xdr_http_requests_total counter"),
        "{text}"
    );
    let ui = send(&app, get("/docs/", None)).await;
    assert_eq!(ui.status, StatusCode::OK);
    let missing = send(&app, get("/api/v1/nope", None)).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

on_both_backends!(
    register_returns_tokens_user_and_organization,
    login_me_and_profile_update,
    refresh_returns_a_new_pair,
    logout_ends_the_session,
    sessions_list_and_revoke,
    organization_get_and_rename,
    health_readiness_and_docs,
);
