//! Reading the audit log over HTTP: cursor pages, query validation, NDJSON and CSV export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::Value;

const LIST: &str = "/api/v1/audit-logs?limit=500";

fn items(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().unwrap().clone()
}

/// Minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn export_matches_the_list(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..3 {
        login(&app, &a.email, PASSWORD).await;
        login(&app, &a.email, "wrong, \"quoted\" password").await;
    }
    let listed = items(&send(&app, get(LIST, Some(&a.access))).await);
    let ids: Vec<&str> = listed.iter().map(|e| e["id"].as_str().unwrap()).collect();

    let ndjson = send(
        &app,
        get("/api/v1/audit-logs/export?format=ndjson", Some(&a.access)),
    )
    .await;
    assert_eq!(ndjson.status, StatusCode::OK);
    assert_eq!(
        ndjson.headers.get("content-type").unwrap(),
        "application/x-ndjson"
    );
    let Value::String(text) = &ndjson.body else {
        panic!("{:?}", ndjson.body)
    };
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, listed, "same entries, same order, same shape");

    let csv = send(
        &app,
        get("/api/v1/audit-logs/export?format=csv", Some(&a.access)),
    )
    .await;
    assert!(
        csv.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let Value::String(text) = &csv.body else {
        panic!("{:?}", csv.body)
    };
    let rows = parse_csv(text);
    assert_eq!(rows[0][0], "id");
    assert!(rows.iter().all(|r| r.len() == 13), "{rows:?}");
    let csv_ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(csv_ids, ids);
    let details: Value = serde_json::from_str(&rows[1][11]).unwrap();
    assert_eq!(details, listed[0]["details"]);

    // Filters apply to the export.
    let path = "/api/v1/audit-logs/export?format=ndjson&action=auth.login";
    let Value::String(text) = send(&app, get(path, Some(&a.access))).await.body else {
        panic!()
    };
    assert_eq!(text.lines().count(), 3);
    assert!(
        text.lines()
            .all(|l| l.contains("\"action\":\"auth.login\""))
    );
}

async fn list_pages_and_rejects_bad_queries(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for _ in 0..4 {
        login(&app, &a.email, PASSWORD).await;
    }
    let mut path = "/api/v1/audit-logs?limit=2".to_owned();
    let mut seen = Vec::new();
    loop {
        let reply = send(&app, get(&path, Some(&a.access))).await;
        assert!(items(&reply).len() <= 2);
        seen.extend(
            items(&reply)
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        match reply.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/audit-logs?limit=2&cursor={c}"),
            None => break,
        }
    }
    let all = items(&send(&app, get(LIST, Some(&a.access))).await);
    let all_ids: Vec<String> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, all_ids);
    assert_eq!(all.len(), 5);
    for bad in [
        "cursor=nope",
        "action=auth.nope",
        "since=yesterday",
        "organization_id=x",
    ] {
        let reply = send(
            &app,
            get(&format!("/api/v1/audit-logs?{bad}"), Some(&a.access)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

/// An export that outlives `export_timeout` is cut off: the body ends with an error (so the
/// client sees a broken transfer, never a silently short file) and nothing keeps streaming.
async fn an_export_past_its_time_limit_is_cut_off(backend: Backend) {
    let http = xdr_http::HttpConfig {
        export_timeout: std::time::Duration::ZERO,
        ..xdr_http::HttpConfig::default()
    };
    let t = TestApp::with_http_config(backend, http);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let resp = actix_web::test::call_service(
        &app,
        get("/api/v1/audit-logs/export?format=ndjson", Some(&a.access))
            .peer_addr("203.0.113.10:40000".parse().unwrap())
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = actix_web::body::to_bytes(resp.into_body()).await;
    assert!(body.is_err(), "the export was cut off");
    // With the default limit the same export completes (export_matches_the_list).
}

on_both_backends!(
    an_export_past_its_time_limit_is_cut_off,
    export_matches_the_list,
    list_pages_and_rejects_bad_queries
);
