//! Ciphertexts changed in the database fail closed: moved to another row, user, organization
//! or field, tampered with, or naming a key that is not configured. The API keeps answering
//! (200 with `"status": "undecryptable"`, never 500), and start-up refuses unknown key versions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::credentials::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;
use xdr_crypto::{Key, KeyRing};

const BASE: &str = "/api/v1/credentials";

fn id_of(view: &serde_json::Value) -> String {
    view["id"].as_str().unwrap().to_owned()
}

async fn moved_ciphertexts_do_not_open(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let ada = register(&app, "Acme", "ada@acme.example").await;
    let bob = colleague(&t, &app, &ada, "bob@acme.example").await;
    let hank = register(&app, "Globex", "hank@globex.example").await;
    let ada_1 = id_of(&create_credential(&app, &ada.access, credential_body("a1")).await);
    let ada_2 = id_of(&create_credential(&app, &ada.access, credential_body("a2")).await);
    let ada_3 = id_of(&create_credential(&app, &ada.access, credential_body("a3")).await);
    let bobs = id_of(&create_credential(&app, &bob, credential_body("b")).await);
    let hanks = id_of(&create_credential(&app, &hank.access, temporary_body("h")).await);

    // Same plaintext everywhere, so only the binding can tell the copies apart.
    copy_sealed(&t, &bobs, &ada_1, "secret_access_key"); // another user, same organization
    copy_sealed(&t, &hanks, &ada_2, "access_key_id"); // another organization
    copy_sealed(&t, &ada_1, &ada_3, "access_key_id"); // another credential of the same user
    for id in [&ada_1, &ada_2, &ada_3] {
        let view = credential(&app, &ada.access, id).await;
        assert_eq!(view["status"], "undecryptable", "{id}");
        assert_eq!(
            view["access_key_preview"], "AKIA…WXYZ",
            "the rest of the view is intact"
        );
    }
    let list = send(&app, get(BASE, Some(&ada.access))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "undecryptable")
    );
    assert_eq!(credential(&app, &bob, &bobs).await["status"], "ok");
    assert_eq!(credential(&app, &hank.access, &hanks).await["status"], "ok");

    // Another field of the same credential: the field is part of the binding too.
    let hank_2 = id_of(&create_credential(&app, &hank.access, credential_body("h2")).await);
    let changed = t.db.execute_sql(&format!(
        "UPDATE credential_secrets SET sealed = (SELECT s.sealed FROM credential_secrets s \
         WHERE s.credential_id = '{hank_2}' AND s.field = 'access_key_id') \
         WHERE credential_id = '{hank_2}' AND field = 'secret_access_key'"
    ));
    assert_eq!(changed, 1);
    assert_eq!(
        credential(&app, &hank.access, &hank_2).await["status"],
        "undecryptable"
    );

    // The owner recovers by giving the secret again (or deleting the credential).
    let path = format!("{BASE}/{ada_1}");
    let fixed = send(
        &app,
        patch(
            &path,
            Some(&ada.access),
            json!({"secret_access_key": SECRET}),
        ),
    )
    .await;
    assert_eq!(
        (fixed.status, &fixed.body["status"]),
        (StatusCode::OK, &json!("ok"))
    );
    let path = format!("{BASE}/{ada_2}");
    assert_eq!(
        send(&app, delete(&path, Some(&ada.access))).await.status,
        StatusCode::NO_CONTENT
    );
}

async fn tampered_ciphertexts_and_unknown_keys_fail_closed(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let ada = register(&app, "Acme", "ada@acme.example").await;
    let flipped = id_of(&create_credential(&app, &ada.access, credential_body("flipped")).await);
    let unknown = id_of(&create_credential(&app, &ada.access, temporary_body("unknown")).await);
    let intact = id_of(&create_credential(&app, &ada.access, credential_body("intact")).await);

    // One character of the nonce changed.
    t.db.execute_sql(&format!(
        "UPDATE credential_secrets SET sealed = substr(sealed, 1, 20) || \
         CASE WHEN substr(sealed, 21, 1) = 'A' THEN 'B' ELSE 'A' END || substr(sealed, 22) \
         WHERE credential_id = '{flipped}' AND field = 'secret_access_key'"
    ));
    // Relabelled as sealed by key version 7, which is not configured.
    t.db.execute_sql(&format!(
        "UPDATE credential_secrets SET sealed = replace(sealed, 'v1:1:', 'v1:7:'), key_version = 7 \
         WHERE credential_id = '{unknown}' AND field = 'session_token'"
    ));
    for id in [&flipped, &unknown] {
        assert_eq!(
            credential(&app, &ada.access, id).await["status"],
            "undecryptable"
        );
    }
    assert_eq!(credential(&app, &ada.access, &intact).await["status"], "ok");

    // A server whose version-1 key is another key opens nothing.
    let other_key = KeyRing::new(
        [
            (1, Key::from_bytes([0x11; 32])),
            (7, Key::from_bytes([7; 32])),
        ],
        1,
    )
    .unwrap();
    let wrong = t.state_with_vault(other_key);
    let wrong_app = actix_web::test::init_service(xdr_http::app(wrong.clone())).await;
    assert_eq!(
        credential(&wrong_app, &ada.access, &intact).await["status"],
        "undecryptable"
    );

    // Start-up refuses a key ring that lacks a version stored secrets name.
    let err = xdr_server::startup::check_vault(&t.state)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("version(s) 7 (1 value)"), "{err}");
    xdr_server::startup::check_vault(&wrong).await.unwrap();
}

on_both_backends!(
    moved_ciphertexts_do_not_open,
    tampered_ciphertexts_and_unknown_keys_fail_closed,
);
