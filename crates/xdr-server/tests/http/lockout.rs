//! Lockout and credential errors that reveal nothing, on both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;

const PARALLEL_ATTEMPTS: usize = 50;
const MAX_FAILURES: usize = 5;

async fn fifty_parallel_wrong_attempts_get_at_most_five_checks(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let attempts = (0..PARALLEL_ATTEMPTS).map(|i| {
        let app = &app;
        async move {
            login(
                app,
                "ada@acme.example",
                &format!("wrong password number {i}"),
            )
            .await
        }
    });
    let replies = futures_util::future::join_all(attempts).await;
    let unauthorized = replies
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    let locked: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::LOCKED)
        .collect();
    assert!(
        unauthorized <= MAX_FAILURES,
        "{unauthorized} password checks got through"
    );
    assert_eq!(unauthorized + locked.len(), PARALLEL_ATTEMPTS);
    let lock = locked.first().unwrap();
    assert_eq!(lock.code(), "account_locked");
    let retry: u64 = lock
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry));
    // Even the right password is refused while locked.
    let right = login(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(right.status, StatusCode::LOCKED);
}

async fn unknown_emails_lock_too(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let statuses = {
        let mut s = Vec::new();
        for _ in 0..=MAX_FAILURES {
            s.push(
                login(&app, "nobody@nowhere.example", "some password here")
                    .await
                    .status,
            );
        }
        s
    };
    assert!(
        statuses[..MAX_FAILURES]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert_eq!(statuses[MAX_FAILURES], StatusCode::LOCKED);
}

async fn unknown_email_and_wrong_password_look_the_same(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let wrong_password = login(&app, "ada@acme.example", "not the password!!").await;
    let unknown = login(&app, "nobody@acme.example", "not the password!!").await;
    let malformed = login(&app, "not-an-email", "not the password!!").await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.body, unknown.body);
    assert_eq!(wrong_password.body, malformed.body);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.code(), "invalid_credentials");
}

async fn success_resets_the_count(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..MAX_FAILURES - 1 {
        assert_eq!(
            login(&app, "ada@acme.example", "wrong wrong wrong")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&app, "ada@acme.example", PASSWORD).await.status,
        StatusCode::OK
    );
    for _ in 0..MAX_FAILURES - 1 {
        assert_eq!(
            login(&app, "ada@acme.example", "wrong wrong wrong")
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login(&app, "ada@acme.example", PASSWORD).await.status,
        StatusCode::OK
    );
}

on_both_backends!(
    fifty_parallel_wrong_attempts_get_at_most_five_checks,
    unknown_emails_lock_too,
    unknown_email_and_wrong_password_look_the_same,
    success_resets_the_count,
);
