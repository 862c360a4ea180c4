//! Agentless ingest through the real app, on both databases: ingest tokens, the HEC routes and
//! the original system's `/ingest/multi`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hec;
mod hec_limits;
mod legacy;
mod tokens;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::common::*;

pub const EVENT: &str = "/services/collector/event";
pub const RAW: &str = "/services/collector/raw";

/// A log source of `source_type` in `org` and an ingest token for it: (source id, token, token id).
pub async fn source_with_token<S, B>(
    app: &S,
    org: &Registered,
    source_type: &str,
) -> (String, String, String)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let source = send(
        app,
        post(
            "/api/v1/log-sources",
            Some(&org.access),
            json!({"name": format!("{source_type} sender"), "source_type": source_type}),
        ),
    )
    .await;
    assert_eq!(source.status, StatusCode::CREATED, "{:?}", source.body);
    let id = source.body["id"].as_str().unwrap().to_owned();
    let issued = send(
        app,
        post(
            &format!("/api/v1/log-sources/{id}/ingest-tokens"),
            Some(&org.access),
            json!({"label": "test sender"}),
        ),
    )
    .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    (
        id,
        issued.body["token"].as_str().unwrap().to_owned(),
        issued.body["id"].as_str().unwrap().to_owned(),
    )
}

/// A POST with `Authorization: Splunk <token>` and a raw body.
pub fn hec(path: &str, token: Option<&str>, body: impl Into<Vec<u8>>) -> TestRequest {
    let req = TestRequest::post().uri(path).set_payload(body.into());
    match token {
        Some(t) => req.insert_header(("Authorization", format!("Splunk {t}"))),
        None => req,
    }
}

/// One cowrie record as cowrie's `output_splunk` posts it.
pub fn cowrie_envelope(eventid: &str, src_ip: &str, n: usize) -> String {
    json!({"index": "cowrie", "sourcetype": "cowrie", "source": "cowrie", "host": "hp-01",
           "event": {"eventid": eventid, "src_ip": src_ip, "dst_port": 2222, "username": "root",
                     "password": format!("guess{n}"), "session": format!("s{n}"),
                     "sensor": "hp-01"}})
    .to_string()
}

/// `n` failed cowrie logins from `src_ip`, concatenated as HEC allows.
pub fn failed_logins_hec(src_ip: &str, n: usize) -> String {
    (0..n)
        .map(|i| cowrie_envelope("cowrie.login.failed", src_ip, i))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn hec_code(reply: &Reply) -> i64 {
    reply.body["code"].as_i64().unwrap_or(-1)
}

pub fn ingest_of(source: &Value) -> &Value {
    &source["ingest"]
}
