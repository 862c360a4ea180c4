//! Every change to a credential is in the audit log, and no entry holds a secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::credentials::{ACCESS_KEY_ID, OTHER_SECRET, SECRET, credential_body};
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn credential_changes_are_audited_without_secrets(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let created = send(
        &app,
        post(
            "/api/v1/credentials",
            Some(&a.access),
            credential_body("prod"),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let path = format!(
        "/api/v1/credentials/{}",
        created.body["id"].as_str().unwrap()
    );
    let updated = send(
        &app,
        patch(
            &path,
            Some(&a.access),
            json!({"secret_access_key": OTHER_SECRET}),
        ),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NO_CONTENT
    );
    // A refused change (already deleted) writes nothing.
    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );

    for action in [
        "credential.created",
        "credential.updated",
        "credential.deleted",
    ] {
        let entries = send(
            &app,
            get(
                &format!("/api/v1/audit-logs?action={action}"),
                Some(&a.access),
            ),
        )
        .await;
        let items = entries.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{action}: {:?}", entries.body);
        assert_eq!(items[0]["actor_id"], a.user_id.as_str());
        assert_eq!(items[0]["resource_type"], "credential");
    }
    let export = send(
        &app,
        get("/api/v1/audit-logs/export?format=ndjson", Some(&a.access)),
    )
    .await;
    let text = export.body.to_string();
    for secret in [SECRET, OTHER_SECRET, ACCESS_KEY_ID] {
        assert!(!text.contains(secret), "a secret reached the audit log");
    }
    let verify = send(&app, get("/api/v1/audit-logs/verify", Some(&a.access))).await;
    assert_eq!(verify.body["valid"], true);
}

on_both_backends!(credential_changes_are_audited_without_secrets);
