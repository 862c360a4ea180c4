//! Signing in to the console: the cookie's attributes, wrong passwords, CSRF, the lockout and
//! the per-IP limit shared with the API, and where the browser goes next.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::num::NonZeroU32;

use actix_web::http::StatusCode;
use xdr_http::HttpConfig;
use xdr_http::rate_limit::RateLimitConfig;

use super::browser::{Browser, form_body};
use crate::common::*;

async fn sign_in_sets_a_strict_http_only_cookie(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    let form = browser.get(&app, "/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<form"), "{}", form.body);
    let signed = browser
        .submit(
            &app,
            "/login",
            &[("email", "ada@acme.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), Some("/"));
    let session = signed
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("xdr_session="))
        .expect("a session cookie");
    assert!(session.contains("; Path=/;"), "{session}");
    assert!(session.contains("; HttpOnly"), "{session}");
    assert!(session.contains("; SameSite=Strict"), "{session}");
    assert!(session.contains("Max-Age=43200"), "{session}");
    // Plain HTTP here: the cookie cannot be Secure, so it does not carry the __Host- name.
    assert!(!session.contains("Secure"), "{session}");
    let dashboard = browser.get(&app, "/").await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
    assert!(dashboard.body.contains("Open incidents"));
}

async fn behind_tls_the_cookies_are_host_prefixed_and_secure(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    let form = browser
        .send(
            &app,
            actix_web::test::TestRequest::get()
                .uri("/login")
                .insert_header(("x-forwarded-proto", "https")),
        )
        .await;
    let csrf = form.header("set-cookie").unwrap();
    assert!(csrf.starts_with("__Host-xdr_csrf="), "{csrf}");
    assert!(csrf.ends_with("; Secure"), "{csrf}");
    let body = form_body(&[
        ("csrf", &browser.csrf.clone().unwrap()),
        ("email", "ada@acme.example"),
        ("password", PASSWORD),
    ]);
    let signed = browser
        .send(
            &app,
            actix_web::test::TestRequest::post()
                .uri("/login")
                .insert_header(("x-forwarded-proto", "https"))
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(body),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert!(browser.cookies.contains_key("__Host-xdr_session"));
    // The plain names are not read over TLS: a cookie planted by a sibling site is ignored.
    let mut planted = Browser::new();
    planted.cookies.insert(
        "xdr_session".to_owned(),
        browser.cookies["__Host-xdr_session"].clone(),
    );
    let refused = planted
        .send(
            &app,
            actix_web::test::TestRequest::get()
                .uri("/")
                .insert_header(("x-forwarded-proto", "https")),
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
}

async fn a_wrong_password_signs_nobody_in(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    let refused = browser
        .sign_in(&app, "ada@acme.example", "not the password at all")
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains("wrong"), "{}", refused.body);
    assert!(refused.body.contains("value=\"ada@acme.example\""));
    assert!(browser.session().is_none());
    let unknown = browser.sign_in(&app, "nobody@acme.example", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(browser.session().is_none());
}

async fn a_sign_in_without_its_csrf_token_is_refused_and_counts_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    browser.get(&app, "/login").await;
    let token = browser.csrf.clone().unwrap();
    let wrong = one_char_off(&token);
    let attempts = [
        form_body(&[
            ("email", "ada@acme.example"),
            ("password", "wrong password one"),
        ]),
        form_body(&[
            ("csrf", &wrong),
            ("email", "ada@acme.example"),
            ("password", "wrong password two"),
        ]),
        form_body(&[
            ("csrf", ""),
            ("email", "ada@acme.example"),
            ("password", PASSWORD),
        ]),
    ];
    // More refused attempts than the lockout allows failures: none of them may count.
    for _ in 0..3 {
        for body in &attempts {
            let refused = browser.post_raw(&app, "/login", body).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
            assert!(browser.session().is_none());
        }
    }
    // A cross-site form, even one that somehow knows the token.
    let cross = browser
        .send(
            &app,
            actix_web::test::TestRequest::post()
                .uri("/login")
                .insert_header(("origin", "https://evil.example"))
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(form_body(&[
                    ("csrf", &token),
                    ("email", "ada@acme.example"),
                    ("password", PASSWORD),
                ])),
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(browser.session().is_none());
    // Without a CSRF cookie at all, the field alone proves nothing.
    let mut fresh = Browser::new();
    let no_cookie = fresh
        .post_raw(
            &app,
            "/login",
            &form_body(&[
                ("csrf", &token),
                ("email", "ada@acme.example"),
                ("password", PASSWORD),
            ]),
        )
        .await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
    let signed = browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
}

async fn the_lockout_is_the_api_s(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..5 {
        let failed = login(&app, "ada@acme.example", "not the password at all").await;
        assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    }
    let mut browser = Browser::new();
    let locked = browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.body
    );
    assert!(locked.body.contains("locked"), "{}", locked.body);
    assert!(browser.session().is_none());
}

async fn the_per_ip_limit_applies_to_console_sign_ins(backend: Backend) {
    let http = HttpConfig {
        rate_limit: Some(RateLimitConfig {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
            ipv6_prefix: xdr_http::rate_limit::DEFAULT_IPV6_PREFIX,
        }),
        ..HttpConfig::default()
    };
    let t = TestApp::with_http_config(backend, http);
    let app = t.service().await;
    let mut browser = Browser::new();
    browser.get(&app, "/login").await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = browser
            .submit(
                &app,
                "/login",
                &[("email", "x@acme.example"), ("password", "whatever it is")],
            )
            .await;
        statuses.push(answer.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

async fn next_stays_within_the_console(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    let away = browser.get(&app, "/incidents?status=open").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(
        away.location(),
        Some("/login?next=/incidents%3Fstatus%3Dopen")
    );
    let form = browser.get(&app, away.location().unwrap()).await;
    assert!(
        form.body.contains("value=\"/incidents?status=open\""),
        "{}",
        form.body
    );
    for (next, expected) in [
        ("/incidents?status=open", "/incidents?status=open"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
    ] {
        let mut b = Browser::new();
        b.get(&app, "/login").await;
        let signed = b
            .submit(
                &app,
                "/login",
                &[
                    ("email", "ada@acme.example"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(signed.location(), Some(expected), "{next}");
    }
}

async fn registering_signs_the_first_admin_in(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let mut browser = Browser::new();
    browser.get(&app, "/register").await;
    let weak = browser
        .submit(
            &app,
            "/register",
            &[
                ("organization_name", "Acme"),
                ("admin_name", "Ada"),
                ("email", "ada@acme.example"),
                ("password", "password"),
            ],
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );
    assert!(weak.body.contains("Password"), "{}", weak.body);
    assert!(browser.session().is_none());
    let created = browser
        .submit(
            &app,
            "/register",
            &[
                ("organization_name", "Acme"),
                ("admin_name", "Ada"),
                ("email", "ada@acme.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let dashboard = browser.get(&app, "/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body.contains(">admin<"), "{}", dashboard.body);
    // The same account signs in through the API.
    assert_eq!(
        login(&app, "ada@acme.example", PASSWORD).await.status,
        StatusCode::OK
    );
    let again = browser
        .submit(
            &app,
            "/register",
            &[
                ("organization_name", "Acme 2"),
                ("admin_name", "Ada"),
                ("email", "ada@acme.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

on_both_backends!(
    sign_in_sets_a_strict_http_only_cookie,
    behind_tls_the_cookies_are_host_prefixed_and_secure,
    a_wrong_password_signs_nobody_in,
    a_sign_in_without_its_csrf_token_is_refused_and_counts_nothing,
    the_lockout_is_the_api_s,
    the_per_ip_limit_applies_to_console_sign_ins,
    next_stays_within_the_console,
    registering_signs_the_first_admin_in,
);
