//! The SSRF guard through the API: internal and non-https URLs refused when configured, and
//! again, under the settings in force, before each delivery; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::webhooks::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;
use xdr_service::webhooks::DeliveryConfig;

async fn internal_urls_are_refused_when_configured(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for (url, problem) in [
        ("http://hooks.acme.example/x", "must use https://"),
        ("ftp://hooks.acme.example/x", "must use https://"),
        (
            "https://user:pw@hooks.acme.example/",
            "must not contain a user name or password",
        ),
        ("not a url", "must be an absolute URL"),
        (
            "https://127.0.0.1/hook",
            "refused: address 127.0.0.1 is loopback",
        ),
        (
            "https://10.0.0.1/hook",
            "refused: address 10.0.0.1 is private",
        ),
        ("https://[::1]/hook", "refused: address ::1 is loopback"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "refused: address 169.254.169.254 is link-local",
        ),
        (
            "https://[::ffff:127.0.0.1]/hook",
            "refused: address ::ffff:127.0.0.1 is loopback",
        ),
        (
            "https://100.64.0.1/",
            "refused: address 100.64.0.1 is shared (CGNAT)",
        ),
        (
            "https://localhost:8443/",
            "refused: host localhost is this machine",
        ),
    ] {
        let reply = send(&app, put(WEBHOOK, Some(&a.access), json!({"url": url}))).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{url}"
        );
        let said = reply.body["error"]["fields"]["url"][0].as_str().unwrap();
        assert!(said.starts_with(problem), "{url}: {said}");
    }
    let unknown = send(
        &app,
        put(
            WEBHOOK,
            Some(&a.access),
            json!({"url": "https://a.example", "secret": "mine"}),
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        send(&app, get(WEBHOOK, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A URL accepted under looser settings is checked again, under the settings in force, before
/// each delivery.
async fn deliveries_are_checked_against_the_current_settings(backend: Backend) {
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let incident = open_incident(&app, &a.access).await;
    let strict = t.state_with_webhooks(DeliveryConfig::default());
    let strict_app = actix_web::test::init_service(xdr_http::app(strict)).await;
    let https_only = DeliveryConfig {
        url_policy: xdr_domain::webhooks::UrlPolicy {
            allow_http: true,
            allow_private_networks: false,
        },
        ..DeliveryConfig::default()
    };
    let public_only =
        actix_web::test::init_service(xdr_http::app(t.state_with_webhooks(https_only))).await;
    for (url, server, expected) in [
        (
            "http://127.0.0.1:9/hook",
            0,
            "refused: the URL must use https://",
        ),
        (
            "https://127.0.0.1:9/hook",
            0,
            "refused: address 127.0.0.1 is loopback",
        ),
        (
            "https://[::ffff:10.0.0.5]/hook",
            0,
            "refused: address ::ffff:10.0.0.5 is private",
        ),
        (
            "https://localhost:9/hook",
            0,
            "refused: host localhost is this machine",
        ),
        (
            "http://10.0.0.5:9/hook",
            1,
            "refused: address 10.0.0.5 is private",
        ),
    ] {
        let body = json!({"url": url});
        assert!(
            send(&app, put(WEBHOOK, Some(&a.access), body))
                .await
                .status
                .is_success(),
            "{url}"
        );
        let taken = if server == 0 {
            act(&strict_app, &a.access, &incident).await
        } else {
            act(&public_only, &a.access, &incident).await
        };
        let done = settled(&app, &a.access, taken["id"].as_str().unwrap()).await;
        assert_eq!(
            (done["status"].as_str(), done["result"].as_str()),
            (Some("failed"), Some(expected)),
            "{url}"
        );
    }
}

on_both_backends!(
    internal_urls_are_refused_when_configured,
    deliveries_are_checked_against_the_current_settings,
);
