//! The isolation matrix: for every route and method of the served OpenAPI document, an admin
//! of organization A using the ids of organization B gets 404 (or a list without B's data), and
//! B's data is unchanged afterwards. The routes come from the document itself, so a new
//! endpoint is covered (or fails this test until it is given a sample body) without editing it.
//! Deletes run last: a delete of the caller's own singleton (its webhook) would otherwise turn
//! the later routes on it into 404s.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use crate::isolation_onboarding as onboarding;
use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

/// Routes that hold no tenant data of their own, and why they cannot leak another tenant's.
const NOT_TENANT_ROUTES: &[(&str, &str, &str)] = &[
    ("get", "/healthz", "liveness, no data"),
    ("get", "/readyz", "readiness, no data"),
    (
        "post",
        "/services/collector/event",
        "an ingest token only (a user's token is refused); covered by tests/http/ingest",
    ),
    (
        "post",
        "/services/collector/raw",
        "an ingest token only (a user's token is refused); covered by tests/http/ingest",
    ),
    ("get", "/services/collector/health", "HEC's health, no data"),
    (
        "post",
        "/ingest/multi",
        "an ingest token only (a user's token is refused); covered by tests/http/ingest",
    ),
    (
        "get",
        "/metrics",
        "process-wide request counters, no tenant data",
    ),
    (
        "post",
        "/api/v1/auth/register",
        "creates a new organization; no existing ids involved",
    ),
    (
        "post",
        "/api/v1/auth/login",
        "credentials only; covered by the lockout and auth tests",
    ),
    (
        "post",
        "/api/v1/auth/refresh",
        "opaque token only; covered by the session tests",
    ),
    (
        "post",
        "/api/v1/auth/accept-invitation",
        "token only; tests/http/invitations.rs proves a token joins its own organization",
    ),
    (
        "post",
        "/api/v1/auth/logout",
        "ends the caller's own session (run last: it would end A's token)",
    ),
    (
        "post",
        "/api/v1/auth/logout-all",
        "ends the caller's own sessions (run last: it would end A's token)",
    ),
    (
        "post",
        "/api/v1/auth/change-password",
        "the caller's own password",
    ),
];

/// A request body that is valid for the route, so that the answer is about tenancy and not
/// about validation. Every route with a body must be listed.
fn sample_body(method: &str, path: &str) -> Option<Value> {
    let body = match (method, path) {
        ("patch", "/api/v1/auth/me") => json!({"full_name": "A Admin"}),
        ("patch", "/api/v1/organization") => json!({"name": "Acme Renamed"}),
        ("post", "/api/v1/invitations") => {
            json!({"email": "matrix@acme.example", "role": "viewer"})
        }
        ("patch", "/api/v1/users/{id}") => json!({"role": "viewer"}),
        ("post", "/api/v1/events") => {
            json!({"events": [{"event_type": "cowrie.login.failed", "src_ip": "198.51.100.99"}]})
        }
        ("patch", "/api/v1/incidents/{id}") => json!({"status": "dismissed", "note": "A was here"}),
        ("patch", "/api/v1/detection-rules/{rule}") => json!({"threshold": 99}),
        ("post", "/api/v1/incidents/{id}/actions") => json!({"action": "block_ip"}),
        ("post", "/api/v1/containment-policies") => {
            json!({"name": "A policy", "min_risk_score": 0.1, "min_event_count": 1, "action": "notify"})
        }
        ("patch", "/api/v1/containment-policies/{id}") => json!({"enabled": false}),
        ("post", "/api/v1/credentials") => crate::common::credentials::credential_body("A's key"),
        ("patch", "/api/v1/credentials/{id}") => json!({"name": "renamed by A"}),
        ("post", "/api/v1/log-sources") => json!({"name": "A source", "source_type": "syslog"}),
        ("patch", "/api/v1/log-sources/{id}") => json!({"enabled": false, "name": "A was here"}),
        ("post", "/api/v1/log-sources/{id}/ingest-tokens") => json!({"label": "A's token"}),
        ("post", "/api/v1/ml-models") => {
            json!({"name": "A model", "kind": "lstm", "version": "1", "metrics": {"auc": 0.5}})
        }
        ("patch", "/api/v1/ml-models/{id}") => json!({"status": "retired", "metrics": {}}),
        ("put", "/api/v1/integrations/webhook") => {
            json!({"url": "https://hooks.acme.example/matrix", "enabled": false})
        }
        _ => return None,
    };
    Some(body)
}

/// Organization B's data, read as B, to compare before and after.
async fn snapshot<S, B>(app: &S, b: &Registered) -> Vec<Value>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut out = Vec::new();
    for path in [
        "/api/v1/auth/me",
        "/api/v1/organization",
        "/api/v1/users",
        "/api/v1/invitations",
        "/api/v1/incidents",
        "/api/v1/events",
        "/api/v1/detection-rules",
        "/api/v1/dashboard/summary",
        "/api/v1/containment-policies",
        "/api/v1/actions",
        "/api/v1/credentials",
        "/api/v1/audit-logs",
        "/api/v1/log-sources",
        "/api/v1/ml-models",
        "/api/v1/integrations/webhook",
    ]
    .into_iter()
    .chain(onboarding::SNAPSHOT_PATHS.iter().copied())
    {
        let reply = send(app, get(path, Some(&b.access))).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        out.push(reply.body);
    }
    out
}

async fn isolation_matrix(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    // Data in every table of B (and some in A).
    for org in [&a, &b] {
        let events: Vec<Value> = (0..6)
            .map(|_| json!({"event_type": "cowrie.login.failed", "src_ip": "203.0.113.7"}))
            .collect();
        send(
            &app,
            post(
                "/api/v1/events",
                Some(&org.access),
                json!({"events": events}),
            ),
        )
        .await;
    }
    let b_member = add_member(&app, &b, "member@globex.example", "analyst").await;
    let b_invite = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&b.access),
            json!({"email": "pending@globex.example", "role": "viewer"}),
        ),
    )
    .await;
    let b_incident = send(&app, get("/api/v1/incidents", Some(&b.access)))
        .await
        .body["items"][0]["id"]
        .clone();
    let b_source = send(
        &app,
        post(
            "/api/v1/log-sources",
            Some(&b.access),
            json!({"name": "B honeypot", "source_type": "cowrie", "hostname": "hp.globex.example"}),
        ),
    )
    .await
    .body["id"]
        .clone();
    let b_token = send(
        &app,
        post(
            &format!(
                "/api/v1/log-sources/{}/ingest-tokens",
                b_source.as_str().unwrap()
            ),
            Some(&b.access),
            json!({"label": "B sender"}),
        ),
    )
    .await
    .body;
    let b_tokens_path = format!(
        "/api/v1/log-sources/{}/ingest-tokens",
        b_source.as_str().unwrap()
    );
    let b_model = send(
        &app,
        post(
            "/api/v1/ml-models",
            Some(&b.access),
            json!({"name": "B model", "kind": "isolation_forest", "version": "1.0",
                   "metrics": {"precision": 0.9}}),
        ),
    )
    .await
    .body["id"]
        .clone();
    let b_policy = send(&app, get("/api/v1/containment-policies", Some(&b.access)))
        .await
        .body["items"][0]["id"]
        .clone();
    let b_credential = send(
        &app,
        post(
            "/api/v1/credentials",
            Some(&b.access),
            crate::common::credentials::credential_body("B's key"),
        ),
    )
    .await
    .body["id"]
        .clone();
    // Each has a webhook (B's URL and secret must never show in A's answers).
    let mut b_webhook = Value::Null;
    for (org, url) in [
        (&a, "https://hooks.acme.example/a"),
        (&b, "https://hooks.globex.example/b-only-path"),
    ] {
        let reply = send(
            &app,
            TestRequest::put()
                .uri("/api/v1/integrations/webhook")
                .insert_header(("Authorization", format!("Bearer {}", org.access)))
                .set_json(json!({"url": url, "enabled": false})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        b_webhook = reply.body;
    }
    let b_session = send(&app, get("/api/v1/auth/sessions", Some(&b.access)))
        .await
        .body["items"][0]["id"]
        .clone();
    let b_onboarding = onboarding::prepare(&app, &a, &b).await;
    let b_ids = [
        ("/api/v1/users/{id}", b_member.body["user"]["id"].clone()),
        ("/api/v1/invitations/{id}", b_invite.body["id"].clone()),
        (
            "/api/v1/invitations/{id}/resend",
            b_invite.body["id"].clone(),
        ),
        ("/api/v1/incidents/{id}/actions", b_incident.clone()),
        ("/api/v1/incidents/{id}", b_incident),
        ("/api/v1/containment-policies/{id}", b_policy),
        ("/api/v1/credentials/{id}", b_credential),
        ("/api/v1/log-sources/{id}/ingest-tokens", b_source.clone()),
        (
            "/api/v1/log-sources/{id}/ingest-tokens/{token_id}",
            b_source.clone(),
        ),
        ("/api/v1/log-sources/{id}", b_source),
        ("/api/v1/ml-models/{id}", b_model),
        ("/api/v1/auth/sessions/{id}", b_session),
    ]
    .into_iter()
    .chain(b_onboarding)
    .collect::<Vec<_>>();
    let every_b_id: Vec<String> = b_ids
        .iter()
        .map(|(_, v)| v.as_str().unwrap().to_owned())
        .chain([b.org_id.clone(), b.user_id.clone()])
        .chain(["hooks.globex.example".to_owned()])
        .chain([b_webhook["secret"].as_str().unwrap().to_owned()])
        .chain(["id", "token"].map(|k| b_token[k].as_str().unwrap().to_owned()))
        .collect();
    let before = snapshot(&app, &b).await;
    let b_tokens_before = send(&app, get(&b_tokens_path, Some(&b.access))).await.body;

    let doc = send(&app, get("/api/openapi.json", None)).await.body;
    let mut routes: Vec<(&String, &Value, &str)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.push((path, item, method));
            }
        }
    }
    routes.sort_by_key(|(_, _, method)| *method == "delete");
    let mut covered = 0;
    for (path, item, method) in routes {
        if NOT_TENANT_ROUTES
            .iter()
            .chain(onboarding::NOT_TENANT_ROUTES)
            .any(|(m, p, _)| *m == method && p == path)
        {
            continue;
        }
        if path == "/docs" || path == "/api/openapi.json" {
            continue;
        }
        let mut uri = path.clone();
        let by_id = path.contains("{id}");
        if by_id {
            let id = b_ids
                .iter()
                .find(|(p, _)| p == path)
                .unwrap_or_else(|| {
                    panic!("{method} {path}: give the matrix an id of organization B for it")
                })
                .1
                .as_str()
                .unwrap()
                .to_owned();
            uri = uri.replace("{id}", &id);
        }
        uri = uri.replace("{rule}", "ssh_brute_force");
        uri = uri.replace("{token_id}", b_token["id"].as_str().unwrap());
        let mut req = TestRequest::default()
            .method(method.to_uppercase().parse().unwrap())
            .uri(&uri)
            .insert_header(("Authorization", format!("Bearer {}", a.access)));
        let has_body = item[method].get("requestBody").is_some();
        if has_body {
            let body = sample_body(method, path)
                .or_else(|| onboarding::sample_body(method, path))
                .unwrap_or_else(|| {
                    panic!("{method} {path}: add a sample body to the isolation matrix")
                });
            req = req.set_json(body);
        }
        let reply = send(&app, req).await;
        if by_id {
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{method} {uri}: {:?}",
                reply.body
            );
            assert_eq!(reply.code(), "not_found");
        } else {
            let own_state = onboarding::WIZARD_STATE_ROUTES.contains(&(method, path.as_str()))
                && reply.status == StatusCode::CONFLICT;
            assert!(
                reply.status.is_success() || own_state,
                "{method} {uri}: {} {:?}",
                reply.status,
                reply.body
            );
            let text = reply.body.to_string();
            for id in &every_b_id {
                assert!(
                    !text.contains(id.as_str()),
                    "{method} {uri} shows B's id {id}"
                );
            }
        }
        covered += 1;
    }
    let after = snapshot(&app, &b).await;
    assert_eq!(before, after, "organization B's data changed");
    let b_tokens_after = send(&app, get(&b_tokens_path, Some(&b.access))).await.body;
    assert_eq!(b_tokens_before, b_tokens_after, "B's ingest tokens changed");
    eprintln!("isolation matrix covered {covered} route x method pairs on {backend:?}");
    assert!(covered >= 20, "only {covered} routes covered");
}

on_both_backends!(isolation_matrix);
