//! `GET /metrics` through the real app on both databases: after sign-ins, ingest from every
//! source, an incident, an agent and a webhook delivery, the scrape parses as the Prometheus
//! text format and holds the series those requests must have moved, with their values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use serde_json::json;

use crate::common::agents::*;
use crate::common::receiver::{Receiver, Step};
use crate::common::webhooks::{configure, local_delivery, settled};
use crate::common::*;
use crate::ingest::{EVENT, failed_logins_hec, hec, source_with_token};

mod parse;
mod rate_limited;

use parse::{Scraped, parse};

/// `GET /metrics`, parsed (and so checked against the format).
pub async fn scrape<S, B>(app: &S) -> Scraped
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = send(app, get("/metrics", None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "text/plain; version=0.0.4"
    );
    parse(reply.body.as_str().unwrap())
}

async fn a_scrape_counts_what_the_server_did(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    configure(&app, &a.access, &receiver.url).await;

    // Sign-ins: one success, then wrong passwords until the account locks.
    assert_eq!(login(&app, &a.email, PASSWORD).await.status, StatusCode::OK);
    let mut invalid = 0.0;
    let mut locked = 0.0;
    for i in 0..7 {
        match login(&app, &a.email, &format!("wrong password {i}"))
            .await
            .status
        {
            StatusCode::UNAUTHORIZED => invalid += 1.0,
            StatusCode::LOCKED => locked += 1.0,
            other => panic!("sign-in answered {other}"),
        }
    }
    assert!(
        invalid >= 1.0 && locked >= 1.0,
        "{invalid} invalid, {locked} locked"
    );

    // API ingest: 25 failed SSH logins open one incident, and the default policy acts on
    // it through the webhook; an invalid batch of two is refused.
    let ingested = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 25),
        ),
    )
    .await;
    assert_eq!(ingested.status, StatusCode::ACCEPTED, "{:?}", ingested.body);
    let incident = ingested.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let actions = send(&app, get("/api/v1/actions", Some(&a.access))).await;
    let action = actions.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        settled(&app, &a.access, &action).await["status"],
        "succeeded"
    );
    let bad = json!({"events": [
        {"event_type": "cowrie.login.failed", "src_ip": "203.0.113.8"},
        {"event_type": "cowrie.login.failed", "src_ip": "not an address"},
    ]});
    let refused = send(&app, post("/api/v1/events", Some(&a.access), bad)).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    let shown = send(
        &app,
        get(&format!("/api/v1/incidents/{incident}"), Some(&a.access)),
    )
    .await;
    assert_eq!(shown.status, StatusCode::OK);

    // Agent ingest (six failed logins from another address open a second incident), and an
    // agent that never sent a heartbeat (pending).
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let batch = failed_logins("203.0.113.9", 6);
    let sent = send(
        &app,
        signed(&agent, "/api/v1/agents/events", &batch).request(),
    )
    .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{:?}", sent.body);

    // HEC: three events.
    let (_, token, _) = source_with_token(&app, &a, "cowrie").await;
    let hec_reply = send(
        &app,
        hec(EVENT, Some(&token), failed_logins_hec("198.51.100.4", 3)),
    )
    .await;
    assert_eq!(hec_reply.status, StatusCode::OK, "{:?}", hec_reply.body);

    // A random path: counted under one route label, whatever the path.
    let missing = format!("/api/v1/no-such-thing/{}", uuid::Uuid::new_v4());
    assert_eq!(
        send(&app, get(&missing, None)).await.status,
        StatusCode::NOT_FOUND
    );

    let s = scrape(&app).await;
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "success")]),
        1.0
    );
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "invalid")]),
        invalid
    );
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "locked")]),
        locked
    );
    assert_eq!(
        s.get("mini_xdr_sign_ins_total", &[("outcome", "rate_limited")]),
        0.0
    );

    assert_eq!(s.requests("/api/v1/auth/login", "POST", "200"), 1.0);
    assert_eq!(s.requests("/api/v1/auth/login", "POST", "401"), invalid);
    assert_eq!(s.requests("/api/v1/auth/login", "POST", "423"), locked);
    assert_eq!(s.requests("/api/v1/incidents/{id}", "GET", "200"), 1.0);
    assert_eq!(s.requests("/api/v1/events", "POST", "202"), 1.0);
    assert_eq!(s.requests("/api/v1/events", "POST", "422"), 1.0);
    assert_eq!(s.requests("unmatched", "GET", "404"), 1.0);
    let routes: Vec<&str> = s
        .samples
        .keys()
        .filter(|(name, _)| name == "mini_xdr_http_requests_total")
        .flat_map(|(_, labels)| labels.iter().filter(|(k, _)| k == "route"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(
        !routes.iter().any(|r| r.contains("no-such-thing")),
        "{routes:?}"
    );
    let login = [
        ("route", "/api/v1/auth/login"),
        ("method", "POST"),
        ("status", "200"),
    ];
    let latency = s.get("mini_xdr_http_request_duration_seconds_count", &login);
    assert_eq!(latency, 1.0);

    assert_eq!(
        s.get("mini_xdr_events_ingested_total", &[("source", "api")]),
        25.0
    );
    assert_eq!(
        s.get("mini_xdr_events_ingested_total", &[("source", "agent")]),
        6.0
    );
    assert_eq!(
        s.get("mini_xdr_events_ingested_total", &[("source", "hec")]),
        3.0
    );
    assert_eq!(
        s.get("mini_xdr_events_rejected_total", &[("source", "api")]),
        2.0
    );
    assert_eq!(
        s.get("mini_xdr_events_rejected_total", &[("source", "hec")]),
        0.0
    );
    let brute_force = s.get(
        "mini_xdr_incidents_opened_total",
        &[("rule", "ssh_brute_force")],
    );
    assert_eq!(brute_force, 2.0, "one from the API, one from the agent");
    assert_eq!(
        s.get("mini_xdr_incidents_opened_total", &[("rule", "port_scan")]),
        0.0
    );
    assert_eq!(
        s.get(
            "mini_xdr_webhook_deliveries_total",
            &[("outcome", "delivered")]
        ),
        1.0
    );
    assert_eq!(
        s.get(
            "mini_xdr_webhook_deliveries_total",
            &[("outcome", "failed")]
        ),
        0.0
    );

    assert_eq!(s.get("mini_xdr_agents", &[("status", "pending")]), 1.0);
    assert_eq!(s.get("mini_xdr_agents", &[("status", "active")]), 0.0);
    assert_eq!(s.types["mini_xdr_agents"], "gauge");
    let audit = send(&app, get("/api/v1/audit-logs?limit=500", Some(&a.access))).await;
    let entries = audit.body["items"].as_array().unwrap().len() as f64;
    assert!(entries > 0.0);
    assert_eq!(s.get("mini_xdr_audit_entries_total", &[]), entries);

    // bcrypt: registration and sign-ins went through the queue, which is empty now.
    assert_eq!(s.get("mini_xdr_password_hash_queue_depth", &[]), 0.0);
    assert!(s.get("mini_xdr_password_hash_wait_seconds_count", &[]) >= 1.0 + invalid);
    assert_eq!(s.types["mini_xdr_password_hash_wait_seconds"], "histogram");

    // The pool: connections were checked out and all went back.
    let main = [("pool", "main")];
    assert!(s.get("mini_xdr_db_pool_wait_seconds_count", &main) > 0.0);
    assert_eq!(
        s.get(
            "mini_xdr_db_pool_connections",
            &[("pool", "main"), ("state", "in_use")]
        ),
        0.0
    );
    assert!(s.get("mini_xdr_db_pool_max_connections", &main) >= 1.0);
    assert_eq!(s.get("mini_xdr_db_pool_timeouts_total", &main), 0.0);
    let writer = s.value(
        "mini_xdr_db_pool_wait_seconds_count",
        &[("pool", "sqlite_writer")],
    );
    assert_eq!(writer.is_some(), backend == Backend::Sqlite, "{writer:?}");

    // The scrape itself is counted by the next one.
    let again = scrape(&app).await;
    assert_eq!(again.requests("/metrics", "GET", "200"), 1.0);
}

on_both_backends!(a_scrape_counts_what_the_server_did);
