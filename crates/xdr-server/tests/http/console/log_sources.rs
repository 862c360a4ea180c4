//! Log sources in the console: a SOC lead adds one and issues an ingest token that works for
//! HEC at once and is shown only once; its counts show what arrived; revocation; roles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::json;

use super::browser::Browser;
use crate::common::*;

async fn a_log_source_gets_a_token_and_counts_what_arrives(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "vic@acme.example", "viewer").await;
    let mut lead = Browser::new();
    lead.sign_in(&app, "ada@acme.example", PASSWORD).await;
    lead.get(&app, "/log-sources").await;
    let created = lead
        .submit(
            &app,
            "/log-sources",
            &[
                ("name", "honeypot"),
                ("source_type", "cowrie"),
                ("hostname", ""),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = created.location().unwrap().to_owned();
    let issued = lead
        .submit(&app, &format!("{path}/tokens"), &[("label", "hp-1")])
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    let marker = "aria-label=\"Ingest token\"";
    assert!(issued.body.contains(marker));
    let start = issued.body.find("readonly value=\"").unwrap() + "readonly value=\"".len();
    let token = issued.body[start..start + 43].to_owned();
    let hec = send(
        &app,
        TestRequest::post()
            .uri("/services/collector/event")
            .insert_header(("Authorization", format!("Splunk {token}")))
            .set_json(
                json!({"event": {"eventid": "cowrie.login.failed", "src_ip": "203.0.113.9"}}),
            ),
    )
    .await;
    assert_eq!(hec.status, StatusCode::OK, "{:?}", hec.body);
    let detail = lead.get(&app, &path).await;
    assert!(
        detail.body.contains("<dt>Received</dt><dd>1</dd>"),
        "{}",
        detail.body
    );
    assert!(
        !detail.body.contains(&token),
        "the token is never shown again"
    );
    assert!(detail.body.contains("<td>hp-1</td>"));
    let list = lead.get(&app, "/log-sources").await;
    assert!(list.body.contains(">honeypot</a>"));
    let mut viewer = Browser::new();
    viewer.sign_in(&app, "vic@acme.example", PASSWORD).await;
    let seen = viewer.get(&app, &path).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Ingest tokens"));
    let refused = viewer.submit(&app, &format!("{path}/tokens"), &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let token_id = {
        let marker = "/tokens/";
        let start = detail.body.find(marker).unwrap() + marker.len();
        detail.body[start..start + 36].to_owned()
    };
    let revoked = lead
        .submit(&app, &format!("{path}/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let after = send(
        &app,
        TestRequest::post()
            .uri("/services/collector/event")
            .insert_header(("Authorization", format!("Splunk {token}")))
            .set_json(
                json!({"event": {"eventid": "cowrie.login.failed", "src_ip": "203.0.113.9"}}),
            ),
    )
    .await;
    assert_eq!(after.status, StatusCode::FORBIDDEN, "{:?}", after.body);
    let other = register(&app, "Globex", "hank@globex.example").await;
    let mut globex = Browser::new();
    globex.sign_in(&app, &other.email, PASSWORD).await;
    assert_eq!(globex.get(&app, &path).await.status, StatusCode::NOT_FOUND);
}

on_both_backends!(a_log_source_gets_a_token_and_counts_what_arrives);
