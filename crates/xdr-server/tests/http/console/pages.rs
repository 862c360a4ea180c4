//! Every page renders with the console's security headers; filters, fragments and the chart;
//! what an event's sender wrote is shown as text, never as markup; the assets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use serde_json::json;

use super::browser::Browser;
use crate::common::*;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' \
                   data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

async fn every_page_renders_with_the_security_headers(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&admin.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let incident = opened.body["incidents_opened"][0].as_str().unwrap();
    let mut browser = Browser::new();
    for path in ["/login", "/register"] {
        let page = browser.get(&app, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.header("content-security-policy"), Some(CSP), "{path}");
    }
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    for path in [
        "/".to_owned(),
        "/incidents".to_owned(),
        format!("/incidents/{incident}"),
        "/events".to_owned(),
        "/agents".to_owned(),
    ] {
        let page = browser.get(&app, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_eq!(page.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert!(page.body.starts_with("<!doctype html>"), "{path}");
        assert!(!page.body.contains("<script>"), "{path}: no inline script");
        assert!(!page.body.contains(" style="), "{path}: no inline style");
    }
    let missing = browser.get(&app, "/incidents/not-a-uuid").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("content-security-policy"), Some(CSP));
}

async fn what_senders_wrote_is_text(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let mut events = failed_logins("203.0.113.7", 6);
    for e in events["events"].as_array_mut().unwrap() {
        e["message"] = json!(hostile);
        e["hostname"] = json!("\"><svg onload=alert(3)>");
        e["username"] = json!("root'><iframe src=javascript:alert(4)>");
    }
    let opened = send(&app, post("/api/v1/events", Some(&admin.access), events)).await;
    assert_eq!(opened.status, StatusCode::ACCEPTED, "{:?}", opened.body);
    let incident = opened.body["incidents_opened"][0].as_str().unwrap();
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    for path in ["/events".to_owned(), format!("/incidents/{incident}")] {
        let page = browser.get(&app, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        for markup in ["<script>alert", "<img src=x", "<svg onload", "<iframe"] {
            assert!(!page.body.contains(markup), "{path} renders {markup:?}");
        }
        assert!(
            page.body
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: {}",
            page.body
        );
    }
}

async fn incidents_filter_and_refresh_as_a_fragment(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    for ip in ["203.0.113.7", "203.0.113.8"] {
        send(
            &app,
            post("/api/v1/events", Some(&admin.access), failed_logins(ip, 6)),
        )
        .await;
    }
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let all = browser.get(&app, "/incidents").await;
    assert!(all.body.contains("203.0.113.7") && all.body.contains("203.0.113.8"));
    let one = browser
        .get(&app, "/incidents?src_ip=203.0.113.8&status=open")
        .await;
    assert!(one.body.contains("203.0.113.8") && !one.body.contains("203.0.113.7"));
    assert!(
        one.body.contains("<option value=\"open\" selected>"),
        "{}",
        one.body
    );
    let none = browser.get(&app, "/incidents?status=resolved").await;
    assert!(none.body.contains("No incidents match."));
    let fragment = browser
        .send(
            &app,
            actix_web::test::TestRequest::get()
                .uri("/incidents?src_ip=203.0.113.8")
                .insert_header(("hx-request", "true")),
        )
        .await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(
        fragment.body.starts_with("<div id=\"incident-table\""),
        "{}",
        fragment.body
    );
    assert!(!fragment.body.contains("<html"));
    for bad in [
        "/incidents?status=bogus",
        "/incidents?severity=extreme",
        "/incidents?src_ip=300.1.1.1",
        "/incidents?before=zzz",
        "/events?src_ip=not-an-ip",
        "/agents?status=sleeping",
    ] {
        let page = browser.get(&app, bad).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}: {}", page.body);
        assert!(page.body.contains("<h1>Check your input</h1>"), "{bad}");
    }
}

async fn the_dashboard_counts_and_charts_the_day(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    send(
        &app,
        post(
            "/api/v1/events",
            Some(&admin.access),
            failed_logins("203.0.113.7", 7),
        ),
    )
    .await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let page = browser.get(&app, "/").await;
    assert!(
        page.body
            .contains("<span class=\"count\">7</span> events in 24 h"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<a href=\"/events?src_ip=203.0.113.7\">")
    );
    assert_eq!(page.body.matches("<rect class=\"bar\"").count(), 24);
    assert!(page.body.contains("UTC: 7 events</title>"));
    assert!(page.body.contains("7 in all"));
}

async fn assets_are_hashed_cached_and_small(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut browser = Browser::new();
    browser.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let dashboard = browser.get(&app, "/").await;
    let mut weight = dashboard.body.len();
    for (marker, kind) in [
        ("<script src=\"", "javascript"),
        ("rel=\"stylesheet\" href=\"", "css"),
    ] {
        let start = dashboard.body.find(marker).unwrap() + marker.len();
        let end = dashboard.body[start..].find('"').unwrap();
        let url = &dashboard.body[start..start + end];
        assert!(url.starts_with("/assets/"), "{url}");
        let asset = browser.get(&app, url).await;
        assert_eq!(asset.status, StatusCode::OK, "{url}");
        assert_eq!(
            asset.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert!(
            asset.header("content-type").unwrap().contains(kind),
            "{url}"
        );
        weight += asset.body.len();
    }
    // Issue 16: the dashboard with everything it loads stays under 100 KB.
    assert!(weight <= 100 * 1024, "dashboard weighs {weight} bytes");
    let stale = browser.get(&app, "/assets/htmx.0123456789abcdef.js").await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    // The API's answers still go uncached.
    let api = send(&app, get("/api/v1/auth/me", None)).await;
    assert_eq!(
        api.headers.get("cache-control").unwrap().to_str().unwrap(),
        "no-store"
    );
}

async fn the_dashboard_s_figures_are_each_organization_s_own(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let acme = register(&app, "Acme", "ada@acme.example").await;
    let globex = register(&app, "Globex", "hank@globex.example").await;
    for (token, ip) in [
        (&acme.access, "203.0.113.7"),
        (&globex.access, "198.51.100.9"),
    ] {
        send(
            &app,
            post("/api/v1/events", Some(token), failed_logins(ip, 6)),
        )
        .await;
    }
    let mut a = Browser::new();
    a.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let mut b = Browser::new();
    b.sign_in(&app, "hank@globex.example", PASSWORD).await;
    for _ in 0..2 {
        let page_a = a.get(&app, "/").await;
        assert!(page_a.body.contains("203.0.113.7") && !page_a.body.contains("198.51.100.9"));
        let page_b = b.get(&app, "/").await;
        assert!(page_b.body.contains("198.51.100.9") && !page_b.body.contains("203.0.113.7"));
    }
}

on_both_backends!(
    the_dashboard_s_figures_are_each_organization_s_own,
    every_page_renders_with_the_security_headers,
    what_senders_wrote_is_text,
    incidents_filter_and_refresh_as_a_fragment,
    the_dashboard_counts_and_charts_the_day,
    assets_are_hashed_cached_and_small,
);
