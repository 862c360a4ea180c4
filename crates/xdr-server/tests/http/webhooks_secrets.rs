//! Webhook signing secrets at rest: shown once, then never in responses, the audit log, the
//! logs (captured at TRACE from every crate) or storage in the clear; covered by key rotation
//! (`rewrap`) and the start-up key check; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use crate::common::receiver::{Receiver, Step};
use crate::common::webhooks::*;
use crate::common::*;
use crate::log_capture::Capture;
use actix_web::http::StatusCode;
use xdr_crypto::{Key, KeyRing};

fn assert_hidden(secrets: &[String], place: &str, text: &str) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a webhook secret is in {place}"
        );
    }
}

async fn secrets_are_shown_once_and_never_again(backend: Backend) {
    let capture = Capture::start();
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let first = configure(&app, &a.access, &receiver.url).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotate = "/api/v1/integrations/webhook/rotate-secret";
    let second = send(&app, post_empty(rotate, Some(&a.access))).await.body["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let secrets = [first, second.clone()];
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(settled(&app, &a.access, &id).await["status"], "succeeded");
    assert!(signature_verifies(&second, &receiver.received()[0]));

    let mut seen = Vec::new();
    for path in [
        WEBHOOK,
        "/api/v1/actions",
        "/api/v1/audit-logs",
        "/api/v1/audit-logs/export?format=ndjson",
    ] {
        let reply = send(&app, get(path, Some(&a.access))).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        seen.push(reply.body.to_string());
    }
    assert_hidden(&secrets, "a response", &seen.join("\n"));
    let logged = capture.logs();
    // This test's own line: other tests deliver webhooks too.
    assert!(
        logged
            .lines()
            .any(|l| l.contains("webhook delivery finished") && l.contains(&id)),
        "the capture works"
    );
    assert_hidden(&secrets, "the log", &logged);
    for secret in &secrets {
        for (table, column) in [
            ("webhook_endpoints", "secret_sealed"),
            ("webhook_endpoints", "secret_preview"),
            ("webhook_endpoints", "url"),
            ("audit_logs", "details"),
            ("action_logs", "result"),
        ] {
            let rows = t.db.execute_sql(&format!(
                "UPDATE {table} SET {column} = {column} WHERE {column} LIKE '%{secret}%'"
            ));
            assert_eq!(rows, 0, "{table}.{column} holds a secret in the clear");
        }
    }
    if backend == Backend::Sqlite {
        let file = t.db.url().trim_start_matches("sqlite://").to_owned();
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
        assert_hidden(
            &secrets,
            "the SQLite files",
            &String::from_utf8_lossy(&bytes),
        );
    }
}

const NEW_KEY: [u8; 32] = [0x77; 32];

fn ring(keys: &[(u32, [u8; 32])], active: u32) -> KeyRing {
    KeyRing::new(keys.iter().map(|(v, k)| (*v, Key::from_bytes(*k))), active).unwrap()
}

async fn rewrap_covers_webhook_secrets(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let secret = configure(&app, &a.access, &receiver.url).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        t.state.webhooks.key_versions_in_use().await.unwrap(),
        BTreeMap::from([(1, 1)])
    );
    // Key 1 gone: the start-up check refuses, naming the version.
    let without_old = t.state_with_vault(ring(&[(2, NEW_KEY)], 2));
    let refused = xdr_server::startup::check_vault(&without_old)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("version(s) 1 (1 value)"),
        "{refused}"
    );

    let rotated = t.state_with_vault(ring(&[(1, TEST_VAULT_KEY), (2, NEW_KEY)], 2));
    let report = rotated.webhooks.rewrap(10).await.unwrap();
    assert_eq!((report.resealed, report.failed), (1, 0));
    assert_eq!(report.key_versions, BTreeMap::from([(2, 1)]));

    // Only key 2 now: the secret opens and still signs as the receiver expects.
    let retired = t.state_with_vault(ring(&[(2, NEW_KEY)], 2));
    xdr_server::startup::check_vault(&retired).await.unwrap();
    let served = actix_web::test::init_service(xdr_http::app(retired)).await;
    let incident = open_incident(&served, &a.access).await;
    let id = act(&served, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        settled(&served, &a.access, &id).await["status"],
        "succeeded"
    );
    assert!(signature_verifies(&secret, &receiver.received()[0]));
}

/// The sealed secret is bound to its organization and record: copied into another
/// organization's row, it does not open, and nothing is sent unsigned.
async fn a_moved_secret_does_not_sign(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    configure(&app, &a.access, &receiver.url).await;
    configure(&app, &b.access, &receiver.url).await;
    let changed = t.db.execute_sql(&format!(
        "UPDATE webhook_endpoints SET secret_sealed = (SELECT w.secret_sealed FROM \
         webhook_endpoints w WHERE w.organization_id = '{}') WHERE organization_id = '{}'",
        b.org_id, a.org_id
    ));
    assert_eq!(changed, 1);
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = settled(&app, &a.access, &id).await;
    assert_eq!(done["status"], "failed");
    assert!(
        done["result"]
            .as_str()
            .unwrap()
            .contains("signing secret does not open"),
        "{done}"
    );
    assert!(receiver.received().is_empty());
}

on_both_backends!(
    secrets_are_shown_once_and_never_again,
    a_moved_secret_does_not_sign,
    rewrap_covers_webhook_secrets
);
