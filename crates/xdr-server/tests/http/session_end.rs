//! Refresh rotation, reuse detection, and every way a session ends, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn refresh(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
) -> Reply {
    send(
        app,
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": token}),
        ),
    )
    .await
}

async fn rotated_token_reuse_revokes_the_session(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let first = refresh(&app, &r.refresh).await;
    assert_eq!(first.status, StatusCode::OK);
    let current_refresh = first.body["refresh_token"].as_str().unwrap().to_owned();
    let current_access = first.body["access_token"].as_str().unwrap().to_owned();

    // The old token comes back (stolen copy): 401 and the whole family dies.
    let reused = refresh(&app, &r.refresh).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&app, &current_refresh).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&current_access)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&r.access)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn rotation_chain_keeps_working(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let mut token = r.refresh.clone();
    for _ in 0..5 {
        let reply = refresh(&app, &token).await;
        assert_eq!(reply.status, StatusCode::OK);
        token = reply.body["refresh_token"].as_str().unwrap().to_owned();
    }
    assert_eq!(
        refresh(&app, "never-issued-token-never-issued-token-abcdef")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(refresh(&app, "").await.status, StatusCode::UNAUTHORIZED);
}

async fn logout_all_ends_every_session(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let other = login(&app, "ada@acme.example", PASSWORD).await;
    let other_access = other.body["access_token"].as_str().unwrap().to_owned();
    let other_refresh = other.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        send(&app, post_empty("/api/v1/auth/logout-all", Some(&r.access)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    for access in [&r.access, &other_access] {
        assert_eq!(
            send(&app, get("/api/v1/auth/me", Some(access)))
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    for token in [&r.refresh, &other_refresh] {
        assert_eq!(refresh(&app, token).await.status, StatusCode::UNAUTHORIZED);
    }
}

async fn change_password_ends_other_sessions(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let other = login(&app, "ada@acme.example", PASSWORD).await;
    let other_access = other.body["access_token"].as_str().unwrap().to_owned();
    let new_password = "quiet harbor lantern ninety";

    let wrong = send(
        &app,
        post(
            "/api/v1/auth/change-password",
            Some(&r.access),
            json!({"current_password": "not my password at all", "new_password": new_password}),
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body["error"]["fields"]["current_password"].is_array());
    let weak = send(
        &app,
        post(
            "/api/v1/auth/change-password",
            Some(&r.access),
            json!({"current_password": PASSWORD, "new_password": "password1234"}),
        ),
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body["error"]["fields"]["new_password"].is_array());

    let ok = send(
        &app,
        post(
            "/api/v1/auth/change-password",
            Some(&r.access),
            json!({"current_password": PASSWORD, "new_password": new_password}),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{:?}", ok.body);
    // The other session ends at once; the current one stays.
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&other_access)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&r.access)))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        login(&app, "ada@acme.example", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login(&app, "ada@acme.example", new_password).await.status,
        StatusCode::OK
    );
}

async fn concurrent_refresh_of_one_token_rotates_once(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let r = register(&app, "Acme", "ada@acme.example").await;
    let replies = futures_util::future::join_all((0..4).map(|_| refresh(&app, &r.refresh))).await;
    let rotated: Vec<&Reply> = replies
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .collect();
    assert_eq!(rotated.len(), 1, "one token rotates exactly once");
    assert!(
        replies
            .iter()
            .all(|r| r.status == StatusCode::OK || r.status == StatusCode::UNAUTHORIZED)
    );
    // The other presentations were reuse of a rotated token: the whole session is revoked,
    // the winner's new pair included.
    let winner = rotated[0];
    let new_refresh = winner.body["refresh_token"].as_str().unwrap();
    assert_eq!(
        refresh(&app, new_refresh).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&access_of(winner))))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

on_both_backends!(
    rotated_token_reuse_revokes_the_session,
    rotation_chain_keeps_working,
    logout_all_ends_every_session,
    change_password_ends_other_sessions,
    concurrent_refresh_of_one_token_rotates_once,
);
