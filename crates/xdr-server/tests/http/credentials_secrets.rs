//! Secrets never leave the vault: not in responses, not in logs (captured at TRACE level from
//! every crate), not in storage in the clear, not in the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::credentials::*;
use crate::common::*;
use crate::log_capture::Capture;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

const BASE: &str = "/api/v1/credentials";

async fn secrets_never_reach_responses_or_logs(backend: Backend) {
    let capture = Capture::start();
    let t = TestApp::new(backend);
    let app = t.service().await;
    let ada = register(&app, "Acme", "ada@acme.example").await;
    let mut bodies = Vec::new();
    let long_term = create_credential(&app, &ada.access, credential_body("long")).await;
    let temporary = create_credential(&app, &ada.access, temporary_body("temp")).await;
    let long_id = long_term["id"].as_str().unwrap().to_owned();
    let temp_id = temporary["id"].as_str().unwrap().to_owned();
    bodies.push(send(&app, get(BASE, Some(&ada.access))).await.body);
    let path = format!("{BASE}/{temp_id}");
    let patched = json!({"secret_access_key": OTHER_SECRET, "name": "rotated"});
    bodies.push(
        send(&app, patch(&path, Some(&ada.access), patched))
            .await
            .body,
    );
    let mut invalid = temporary_body("bad");
    invalid["region"] = json!("nowhere");
    bodies.push(
        send(&app, post(BASE, Some(&ada.access), invalid))
            .await
            .body,
    );
    // A moved ciphertext: reported, logged, still no secret anywhere.
    copy_sealed(&t, &temp_id, &long_id, "secret_access_key");
    let broken = credential(&app, &ada.access, &long_id).await;
    assert_eq!(broken["status"], "undecryptable");
    let rewrap = t.state.credentials.rewrap(10).await.unwrap();
    assert_eq!(rewrap.failed, 0, "nothing is stale under the one key");
    bodies.extend([long_term, temporary, broken]);
    for body in &bodies {
        assert_no_secrets("a response", &body.to_string());
    }

    let logged = capture.logs();
    let error = logged
        .lines()
        .find(|l| l.contains("credential secret does not open") && l.contains(&long_id))
        .unwrap_or_else(|| panic!("no error logged for {long_id}:\n{logged}"));
    assert!(
        error.contains("ERROR") && error.contains("secret_access_key"),
        "{error}"
    );
    // This test's own line: other tests log "credential stored" too.
    assert!(
        logged
            .lines()
            .any(|l| l.contains("credential stored") && l.contains(&long_id)),
        "the capture works"
    );
    assert_no_secrets("the log", &logged);
}

async fn secrets_are_not_stored_in_the_clear(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let ada = register(&app, "Acme", "ada@acme.example").await;
    create_credential(&app, &ada.access, temporary_body("temp")).await;
    create_credential(&app, &ada.access, credential_body("long")).await;
    // Rows holding a plaintext anywhere (a no-op UPDATE counts them on both databases).
    for secret in [SECRET, SESSION_TOKEN, ACCESS_KEY_ID, TEMPORARY_KEY_ID] {
        let secrets = t.db.execute_sql(&format!(
            "UPDATE credential_secrets SET sealed = sealed WHERE sealed LIKE '%{secret}%'"
        ));
        let credentials = t.db.execute_sql(&format!(
            "UPDATE credentials SET name = name WHERE name LIKE '%{secret}%' \
             OR access_key_preview LIKE '%{secret}%'"
        ));
        assert_eq!(
            (secrets, credentials),
            (0, 0),
            "{secret} stored in the clear"
        );
    }
    if backend == Backend::Sqlite {
        let file = t.db.url().trim_start_matches("sqlite://").to_owned();
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.extend(std::fs::read(format!("{file}-wal")).unwrap_or_default());
        assert_no_secrets("the SQLite files", &String::from_utf8_lossy(&bytes));
    }
}

/// `value` at `path` in the OpenAPI document.
fn at<'a>(doc: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(doc, |v, key| &v[*key])
}

async fn openapi_documents_the_vault_without_secret_examples(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let reply = send(&app, get(xdr_http::OPENAPI_PATH, None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.body;
    for (path, methods) in [
        ("/api/v1/credentials", &["get", "post"][..]),
        ("/api/v1/credentials/{id}", &["get", "patch", "delete"][..]),
    ] {
        for method in methods {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} undocumented"
            );
        }
    }
    let schemas = &doc["components"]["schemas"];
    for (schema, field) in [
        ("CreateCredentialRequest", "secret_access_key"),
        ("CreateCredentialRequest", "session_token"),
        ("UpdateCredentialRequest", "secret_access_key"),
    ] {
        let property = at(schemas, &[schema, "properties", field]);
        assert_eq!(
            property["format"], "password",
            "{schema}.{field}: {property}"
        );
        assert!(
            property.get("example").is_none(),
            "{schema}.{field}: {property}"
        );
    }
    let view = at(schemas, &["CredentialView", "properties"])
        .as_object()
        .unwrap();
    for field in ["access_key_id", "secret_access_key", "session_token"] {
        assert!(!view.contains_key(field), "the view has {field}");
    }
    assert!(view.contains_key("status") && view.contains_key("access_key_preview"));
    // No example anywhere looks like a secret key (40 characters of its alphabet).
    let text = doc.to_string();
    assert!(
        !text.contains("wJalrXUtnFEMI"),
        "AWS's documented example secret"
    );
    let looks_secret = |s: &str| {
        s.len() >= 40
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
    };
    let strings = text
        .split('"')
        .filter(|s| looks_secret(s))
        .collect::<Vec<_>>();
    assert!(strings.is_empty(), "{strings:?}");
}

on_both_backends!(
    secrets_never_reach_responses_or_logs,
    secrets_are_not_stored_in_the_clear,
    openapi_documents_the_vault_without_secret_examples,
);
