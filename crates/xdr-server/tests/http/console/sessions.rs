//! Console sessions are the API's login sessions: logging out ends them at once, revoking one
//! through the API signs the console out, and neither kind of token passes for the other.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use xdr_domain::ManualClock;

use super::browser::Browser;
use crate::common::*;

async fn signed_in<S, B>(app: &S) -> Browser
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut browser = Browser::new();
    let signed = browser.sign_in(app, "ada@acme.example", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    browser
}

async fn logout_ends_the_session_for_good(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = signed_in(&app).await;
    let copy = browser.clone();
    let out = browser.submit(&app, "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login"));
    assert!(browser.session().is_none(), "the cookie is cleared");
    // Someone who kept a copy of the cookie gets nothing with it.
    let mut replay = copy;
    let refused = replay.get(&app, "/").await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.location().unwrap().starts_with("/login"));
}

async fn logout_needs_its_csrf_token(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = signed_in(&app).await;
    let refused = browser.post_raw(&app, "/logout", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get(&app, "/").await.status, StatusCode::OK);
}

async fn revoking_through_the_api_signs_the_console_out(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = signed_in(&app).await;
    let api = access_of(&login(&app, "ada@acme.example", PASSWORD).await);
    let sessions = send(&app, get("/api/v1/auth/sessions", Some(&api))).await;
    let items = sessions.body["items"].as_array().unwrap();
    // Registration's, the console's and this one.
    assert_eq!(items.len(), 3, "{items:?}");
    let ended = send(&app, post_empty("/api/v1/auth/logout-all", Some(&api))).await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{:?}", ended.body);
    let page = browser.get(&app, "/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

async fn console_and_api_tokens_are_not_interchangeable(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let browser = signed_in(&app).await;
    let cookie = browser.session().unwrap().clone();
    let as_bearer = send(&app, get("/api/v1/auth/me", Some(&cookie))).await;
    assert_eq!(as_bearer.status, StatusCode::UNAUTHORIZED);
    let mut forged = Browser::new();
    forged
        .cookies
        .insert("xdr_session".to_owned(), admin.access.clone());
    assert_eq!(forged.get(&app, "/").await.status, StatusCode::SEE_OTHER);
    forged
        .cookies
        .insert("xdr_session".to_owned(), one_char_off(&cookie));
    assert_eq!(forged.get(&app, "/").await.status, StatusCode::SEE_OTHER);
}

async fn a_console_sign_in_lasts_twelve_hours(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = signed_in(&app).await;
    clock.advance(Duration::hours(11));
    assert_eq!(browser.get(&app, "/").await.status, StatusCode::OK);
    clock.advance(Duration::hours(1) + Duration::seconds(1));
    assert_eq!(browser.get(&app, "/").await.status, StatusCode::SEE_OTHER);
}

async fn htmx_requests_are_told_to_navigate_to_the_sign_in(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let mut browser = Browser::new();
    let answer = browser
        .send(
            &app,
            actix_web::test::TestRequest::get()
                .uri("/incidents")
                .insert_header(("hx-request", "true")),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.header("hx-redirect"), Some("/login?next=/incidents"));
}

on_both_backends!(
    logout_ends_the_session_for_good,
    logout_needs_its_csrf_token,
    revoking_through_the_api_signs_the_console_out,
    console_and_api_tokens_are_not_interchangeable,
    a_console_sign_in_lasts_twelve_hours,
    htmx_requests_are_told_to_navigate_to_the_sign_in,
);
