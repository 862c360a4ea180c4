//! Discovery through the real app, against listeners this test opens on 127.0.0.x (the only
//! addresses any scan here targets): progress, results, the wizard's network step, one
//! running scan per organization, cancellation, refusals before any probe, tenancy; both
//! databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::common::onboarding::*;
use crate::common::*;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{Value, json};

const BASE: &str = ONBOARDING;

/// A listener on `ip` that greets every connection with an SSH banner.
fn ssh_like(ip: &str) -> u16 {
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n");
        }
    });
    port
}

async fn until_ended<S, B>(app: &S, token: &str, id: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let scan = send(app, get(&format!("{BASE}/network-scan/{id}"), Some(token))).await;
        assert_eq!(scan.status, StatusCode::OK, "{:?}", scan.body);
        if !["queued", "running"].contains(&scan.body["status"].as_str().unwrap()) {
            return scan.body;
        }
        assert!(
            Instant::now() < deadline,
            "the scan did not end: {:?}",
            scan.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_scan_finds_the_listening_host(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let tok = Some(a.access.as_str());
    let port = ssh_like("127.0.0.2");
    let body = json!({"network_ranges": ["127.0.0.2/31"], "ports": [port]});
    let early = send(
        &app,
        post(&format!("{BASE}/network-scan"), tok, body.clone()),
    )
    .await;
    assert_eq!(early.code(), "onboarding_not_started", "{:?}", early.body);
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    send(&app, post(&format!("{BASE}/profile"), tok, profile())).await;

    let started = send(&app, post(&format!("{BASE}/network-scan"), tok, body)).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    let id = started.body["scan_id"].as_str().unwrap().to_owned();
    let foreign = send(
        &app,
        get(&format!("{BASE}/network-scan/{id}"), Some(&b.access)),
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another organization never sees it"
    );
    let scan = until_ended(&app, &a.access, &id).await;
    assert_eq!(scan["status"], "completed", "{scan}");
    assert_eq!(scan["network_ranges"], json!(["127.0.0.2/31"]));
    assert_eq!(
        (scan["hosts_total"].clone(), scan["hosts_scanned"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(scan["found"], 1);

    let results = send(&app, get(&format!("{BASE}/scan-results?scan_id={id}"), tok)).await;
    assert_eq!(results.status, StatusCode::OK, "{:?}", results.body);
    let assets = results.body["items"].as_array().unwrap();
    assert_eq!(assets.len(), 1, "only hosts with an open port: {assets:?}");
    assert_eq!(assets[0]["ip"], "127.0.0.2");
    assert_eq!(
        assets[0]["services"],
        json!([{"port": port, "banner": "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13"}])
    );
    assert_eq!(
        assets[0]["os"], "linux",
        "the banner names the system: {:?}",
        assets[0]
    );
    let none = send(&app, get(&format!("{BASE}/scan-results"), Some(&b.access))).await;
    assert_eq!(none.body["items"], json!([]));
    let bad = send(
        &app,
        get(&format!("{BASE}/scan-results?priority=urgent"), tok),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let plan = send(
        &app,
        post_empty(&format!("{BASE}/generate-deployment-plan"), tok),
    )
    .await;
    assert_eq!(plan.status, StatusCode::OK, "{:?}", plan.body);
    assert_eq!(plan.body["items"][0]["asset_id"], assets[0]["id"]);
    assert_eq!(plan.body["items"][0]["recommended_platform"], "linux");

    let status = send(&app, get(&format!("{BASE}/status"), tok)).await;
    assert_eq!(
        status.body["completed_steps"],
        json!(["profile", "network_scan"]),
        "{:?}",
        status.body
    );
    assert_eq!(status.body["current_step"], "agents");
    let listed = send(&app, get(&format!("{BASE}/network-scans"), tok)).await;
    assert_eq!(listed.body["items"][0]["id"], json!(id));
    let actions = audit_actions(&app, &a.access).await;
    assert!(
        actions.contains(&"discovery.scan_started".to_owned()),
        "{actions:?}"
    );
}

async fn one_scan_at_a_time_and_cancel(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    // 4,096 loopback addresses x 100 closed ports: long enough to be running below.
    let ports: Vec<u16> = (1..=100).collect();
    let big = json!({"network_ranges": ["127.1.0.0/22", "127.2.0.0/22", "127.3.0.0/22",
                                        "127.4.0.0/22"], "ports": ports});
    let first = send(
        &app,
        post(&format!("{BASE}/network-scan"), tok, big.clone()),
    )
    .await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{:?}", first.body);
    let id = first.body["scan_id"].as_str().unwrap().to_owned();
    let second = send(&app, post(&format!("{BASE}/network-scan"), tok, big)).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{:?}", second.body);
    assert_eq!(second.code(), "scan_running");

    let cancelled = send(
        &app,
        post_empty(&format!("{BASE}/network-scan/{id}/cancel"), tok),
    )
    .await;
    assert_eq!(
        cancelled.status,
        StatusCode::ACCEPTED,
        "{:?}",
        cancelled.body
    );
    assert_eq!(cancelled.body["status"], "cancelled");
    let ended = until_ended(&app, &a.access, &id).await;
    assert_eq!(ended["status"], "cancelled", "{ended}");
    let again = send(
        &app,
        post_empty(&format!("{BASE}/network-scan/{id}/cancel"), tok),
    )
    .await;
    assert_eq!(
        again.body["status"], "cancelled",
        "an ended scan is returned as it is"
    );
    let small = json!({"network_ranges": ["127.0.0.9/32"], "ports": [9]});
    let next = send(&app, post(&format!("{BASE}/network-scan"), tok, small)).await;
    assert_eq!(
        next.status,
        StatusCode::ACCEPTED,
        "the slot is free again: {:?}",
        next.body
    );
    let actions = audit_actions(&app, &a.access).await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "discovery.scan_cancelled")
            .count(),
        1,
        "{actions:?}"
    );
}

async fn refused_scans_probe_nothing(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let tok = Some(a.access.as_str());
    send(&app, post_empty(&format!("{BASE}/start"), tok)).await;
    for (body, field) in [
        (json!({"network_ranges": ["8.8.8.8/32"]}), "network_ranges"),
        (
            json!({"network_ranges": ["192.0.2.0/24"]}),
            "network_ranges",
        ),
        (
            json!({"network_ranges": ["127.0.0.0/21"]}),
            "network_ranges",
        ),
        (json!({"network_ranges": []}), "network_ranges"),
        (
            json!({"network_ranges": vec!["127.0.0.1/32"; 5]}),
            "network_ranges",
        ),
        (json!({"network_ranges": ["not-an-ip"]}), "network_ranges"),
        (
            json!({"network_ranges": ["127.0.0.1/32"], "ports": [0]}),
            "ports",
        ),
        (
            json!({"network_ranges": ["127.0.0.1/32"], "ports": [65536]}),
            "ports",
        ),
        (
            json!({"network_ranges": ["127.0.0.1/32"], "exclude": ["x"]}),
            "exclude",
        ),
        (
            json!({"network_ranges": ["127.0.0.1/32"], "organization_id": a.org_id}),
            "organization_id",
        ),
    ] {
        let reply = send(
            &app,
            post(&format!("{BASE}/network-scan"), tok, body.clone()),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {:?}",
            reply.body
        );
        assert!(
            reply.body["error"]["fields"][field].is_array(),
            "{body}: {:?}",
            reply.body
        );
    }
    let listed = send(&app, get(&format!("{BASE}/network-scans"), tok)).await;
    assert_eq!(
        listed.body["items"],
        json!([]),
        "nothing was stored or started"
    );
    let missing = send(
        &app,
        get(
            &format!("{BASE}/network-scan/00000000-0000-4000-8000-000000000000"),
            tok,
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    a_scan_finds_the_listening_host,
    one_scan_at_a_time_and_cancel,
    refused_scans_probe_nothing,
);
