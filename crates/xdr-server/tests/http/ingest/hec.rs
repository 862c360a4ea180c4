//! The HEC routes: cowrie's own envelopes open an incident in the token's organization; one
//! bad record is counted, not fatal; an unreadable body is refused whole; HEC's answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use super::*;
use crate::common::*;

async fn source_view<S, B>(app: &S, org: &Registered, id: &str) -> Value
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let reply = send(
        app,
        get(&format!("/api/v1/log-sources/{id}"), Some(&org.access)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.body
}

async fn cowrie_envelopes_open_an_incident(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "cowrie").await;
    let reply = send(
        &app,
        hec(EVENT, Some(&token), failed_logins_hec("198.51.100.7", 6)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body, json!({"text": "Success", "code": 0}));
    let incidents = send(&app, get("/api/v1/incidents", Some(&a.access))).await;
    let incident = &incidents.body["items"][0];
    assert_eq!(incident["rule"], "ssh_brute_force");
    assert_eq!(incident["src_ip"], "198.51.100.7");
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    let event = &events.body["items"][0];
    assert_eq!(event["log_source_id"], source.as_str());
    assert_eq!(event["hostname"], "hp-01");
    assert!(
        event["raw"].get("password").is_none(),
        "attempted passwords are not kept"
    );
    let view = source_view(&app, &a, &source).await;
    let ingest = ingest_of(&view);
    assert_eq!(
        (ingest["received"].as_i64(), ingest["parsed"].as_i64()),
        (Some(6), Some(6))
    );
    assert_eq!(ingest["rejected"], 0);
    assert_ne!(ingest["last_event_at"], Value::Null);
}

async fn a_bad_record_is_counted_not_fatal(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "cowrie").await;
    let body = format!(
        "{}{}{}",
        cowrie_envelope("cowrie.session.connect", "198.51.100.8", 0),
        json!({"event": {"eventid": "cowrie.login.failed", "username": "root"}}),
        cowrie_envelope("cowrie.session.connect", "not-an-ip", 2),
    );
    let reply = send(&app, hec(EVENT, Some(&token), body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let view = source_view(&app, &a, &source).await;
    let ingest = ingest_of(&view);
    assert_eq!(ingest["received"], 3);
    assert_eq!(ingest["parsed"], 1);
    assert_eq!(ingest["rejected"], 2);
    let last = ingest["last_error"].as_str().unwrap();
    assert!(
        last.starts_with("event 2:") && last.contains("src_ip"),
        "{last}"
    );
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(events.body["items"].as_array().unwrap().len(), 1);
}

async fn an_unreadable_body_is_refused_whole(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "cowrie").await;
    let good = cowrie_envelope("cowrie.session.connect", "198.51.100.8", 0);
    for (body, status, code, index) in [
        (String::new(), StatusCode::BAD_REQUEST, 5, None),
        ("  \n ".to_owned(), StatusCode::BAD_REQUEST, 5, None),
        ("{not json".to_owned(), StatusCode::BAD_REQUEST, 6, Some(0)),
        (format!("{good}[1,2]"), StatusCode::BAD_REQUEST, 6, Some(1)),
        (
            format!("{good}{{\"time\": 1}}"),
            StatusCode::BAD_REQUEST,
            6,
            Some(1),
        ),
        (
            format!("{good}{{\"event\": null}}"),
            StatusCode::BAD_REQUEST,
            6,
            Some(1),
        ),
    ] {
        let reply = send(&app, hec(EVENT, Some(&token), body.clone())).await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.body);
        assert_eq!(hec_code(&reply), code, "{body}");
        assert_eq!(
            reply.body["invalid-event-number"].as_u64(),
            index.map(|i: u64| i),
            "{body}"
        );
    }
    let invalid_utf8 = send(&app, hec(EVENT, Some(&token), vec![0xff, 0xfe, b'{'])).await;
    assert_eq!(invalid_utf8.status, StatusCode::BAD_REQUEST);
    assert_eq!(hec_code(&invalid_utf8), 6);
    let view = source_view(&app, &a, &source).await;
    assert_eq!(
        ingest_of(&view)["received"],
        0,
        "nothing of a refused request is counted"
    );
    let events = send(&app, get("/api/v1/events", Some(&a.access))).await;
    assert_eq!(events.body["items"], json!([]));
}

async fn hec_authorization_answers(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (_, token, _) = source_with_token(&app, &a, "cowrie").await;
    let body = failed_logins_hec("198.51.100.3", 1);
    let missing = send(&app, hec(EVENT, None, body.clone())).await;
    assert_eq!(
        (missing.status, hec_code(&missing)),
        (StatusCode::UNAUTHORIZED, 2)
    );
    for header in [
        format!("Basic {token}"),
        token.clone(),
        "Splunk ".to_owned(),
    ] {
        let req = hec(EVENT, None, body.clone()).insert_header(("Authorization", header.clone()));
        let reply = send(&app, req).await;
        assert_eq!(
            (reply.status, hec_code(&reply)),
            (StatusCode::UNAUTHORIZED, 3),
            "{header}"
        );
    }
    let forged = one_char_off(&token);
    for t in [forged.as_str(), "short", "x"] {
        let reply = send(&app, hec(EVENT, Some(t), body.clone())).await;
        assert_eq!(
            (reply.status, hec_code(&reply)),
            (StatusCode::FORBIDDEN, 4),
            "{t}"
        );
    }
    let bearer = hec(
        RAW,
        None,
        "Dec  2 10:15:30 web1 sshd[1]: Failed password for root from 198.51.100.3 port 1 ssh2",
    )
    .insert_header(("Authorization", format!("Bearer {token}")));
    let reply = send(&app, bearer).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    for path in [
        "/services/collector/health",
        "/services/collector/health/1.0",
    ] {
        let health = send(&app, TestRequest::get().uri(path)).await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(hec_code(&health), 17);
    }
}

async fn raw_lines_and_the_parser_choice(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let (source, token, _) = source_with_token(&app, &a, "syslog").await;
    let lines: String = (0..6)
        .map(|i| format!("Dec  2 10:15:3{i} web1 sshd[9{i}]: Failed password for invalid user admin from 203.0.113.50 port 4{i}022 ssh2\r\n"))
        .chain(["\nDec  2 10:16:00 web1 CRON[5]: session opened for user root\n".to_owned()])
        .collect();
    let reply = send(&app, hec(RAW, Some(&token), lines)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let view = source_view(&app, &a, &source).await;
    assert_eq!(ingest_of(&view)["parsed"], 6);
    assert_eq!(
        ingest_of(&view)["rejected"],
        1,
        "the CRON line is not an sshd event"
    );
    let incidents = send(&app, get("/api/v1/incidents", Some(&a.access))).await;
    assert_eq!(incidents.body["items"][0]["src_ip"], "203.0.113.50");
    // A sourcetype in the query picks cowrie's parser for a syslog source's raw lines.
    let cowrie_line = json!({"eventid": "cowrie.session.connect", "src_ip": "198.51.100.77"});
    let reply = send(
        &app,
        hec(
            &format!("{RAW}?sourcetype=cowrie&channel=x"),
            Some(&token),
            cowrie_line.to_string(),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let view = source_view(&app, &a, &source).await;
    assert_eq!(ingest_of(&view)["parsed"], 7);
}

on_both_backends!(
    cowrie_envelopes_open_an_incident,
    a_bad_record_is_counted_not_fatal,
    an_unreadable_body_is_refused_whole,
    hec_authorization_answers,
    raw_lines_and_the_parser_choice,
);
