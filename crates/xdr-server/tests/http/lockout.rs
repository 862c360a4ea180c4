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
    let checks_before = t.state.auth.hasher().verifications();
    let replies = futures_util::future::join_all(attempts).await;
    let checks = t.state.auth.hasher().verifications() - checks_before;
    assert!(
        checks <= MAX_FAILURES as u64,
        "{checks} password checks ran"
    );
    let unauthorized = replies
        .iter()
        .filter(|r| r.status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        unauthorized <= MAX_FAILURES,
        "{unauthorized} password checks got through"
    );
    // Attempts beyond the checks in flight wait (429) or, once five failed, are locked (423).
    let refused: Vec<_> = replies
        .iter()
        .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS || r.status == StatusCode::LOCKED)
        .collect();
    assert_eq!(unauthorized + refused.len(), PARALLEL_ATTEMPTS);
    for reply in &refused {
        let retry: u64 = reply
            .headers
            .get("retry-after")
            .unwrap()
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=900).contains(&retry));
    }
    // Five attempts actually failed: the account is locked now, even for the right password.
    let right = login(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(right.status, StatusCode::LOCKED);
    assert_eq!(right.code(), "account_locked");
}

/// A login storm with the right password (several tabs, scripts, CI jobs) never locks the
/// account: attempts beyond the checks in flight are told to retry in a moment.
async fn parallel_correct_sign_ins_never_lock(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    for _round in 0..5 {
        let attempts = (0..8).map(|_| login(&app, "ada@acme.example", PASSWORD));
        let replies = futures_util::future::join_all(attempts).await;
        let ok = replies
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert!(ok >= 1, "some sign-ins succeed");
        for reply in replies.iter().filter(|r| r.status != StatusCode::OK) {
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{:?}",
                reply.body
            );
            assert_eq!(reply.code(), "rate_limited");
            assert!(reply.headers.get("retry-after").is_some());
        }
    }
    let after = login(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(
        after.status,
        StatusCode::OK,
        "never locked: {:?}",
        after.body
    );
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
    let checks = || t.state.auth.hasher().verifications();
    let before = checks();
    let wrong_password = login(&app, "ada@acme.example", "not the password!!").await;
    assert_eq!(checks(), before + 1);
    // An unknown or malformed email still costs one bcrypt verification: no timing tell.
    let unknown = login(&app, "nobody@acme.example", "not the password!!").await;
    assert_eq!(checks(), before + 2);
    let malformed = login(&app, "not-an-email", "not the password!!").await;
    assert_eq!(checks(), before + 3);
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

/// After `auth.bcrypt_cost` changes, an account's hash is renewed at the new cost the next time
/// its password is verified at sign-in (and only when it verifies).
async fn a_sign_in_rehashes_at_the_configured_cost(backend: Backend) {
    use xdr_domain::ports::UserRepository;
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let configured = t.state.auth.hasher().cost();
    let older = xdr_auth::PasswordHasher::new(configured + 1, 1).unwrap();
    let old_hash = older.hash(PASSWORD).await.unwrap();
    let changed = t.db.execute_sql(&format!(
        "UPDATE users SET password_hash = '{}' WHERE email = 'ada@acme.example'",
        old_hash.as_str()
    ));
    assert_eq!(changed, 1);
    let email = xdr_domain::identity::Email::parse("ada@acme.example").unwrap();
    let stored = || {
        t.db.database()
            .users()
            .find_by_email(&email)
            .unwrap()
            .unwrap()
            .password_hash
    };
    let wrong = login(&app, "ada@acme.example", "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(stored(), old_hash, "a failed sign-in changes nothing");
    let right = login(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(right.status, StatusCode::OK);
    let renewed = stored();
    assert_ne!(renewed, old_hash);
    assert!(
        !t.state.auth.hasher().needs_rehash(&renewed),
        "now at the configured cost"
    );
    assert!(
        t.state
            .auth
            .hasher()
            .verify(PASSWORD, Some(&renewed))
            .await
            .unwrap()
    );
    // Other sessions are untouched by a rehash.
    assert_eq!(
        login(&app, "ada@acme.example", PASSWORD).await.status,
        StatusCode::OK
    );
}

on_both_backends!(
    a_sign_in_rehashes_at_the_configured_cost,
    fifty_parallel_wrong_attempts_get_at_most_five_checks,
    parallel_correct_sign_ins_never_lock,
    unknown_emails_lock_too,
    unknown_email_and_wrong_password_look_the_same,
    success_resets_the_count,
);
