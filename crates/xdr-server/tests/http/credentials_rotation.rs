//! Key rotation: a server restarted with a new active key keeps serving while `rewrap`
//! re-seals every stored secret; then the old key can be retired.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use crate::common::credentials::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;
use xdr_crypto::{Key, KeyRing};

const BASE: &str = "/api/v1/credentials";
const NEW_KEY: [u8; 32] = [0x77; 32];

fn rotated_ring() -> KeyRing {
    KeyRing::new(
        [
            (1, Key::from_bytes(TEST_VAULT_KEY)),
            (2, Key::from_bytes(NEW_KEY)),
        ],
        2,
    )
    .unwrap()
}

async fn rewrap_while_serving_then_retire_the_old_key(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let ada = register(&app, "Acme", "ada@acme.example").await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let body = if i % 2 == 0 {
            credential_body(&format!("c{i}"))
        } else {
            temporary_body(&format!("t{i}"))
        };
        ids.push(
            create_credential(&app, &ada.access, body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        t.state.credentials.key_versions_in_use().await.unwrap(),
        BTreeMap::from([(1, 15)])
    );

    // The restarted server: keys 1 and 2, sealing with 2.
    let rotated = t.state_with_vault(rotated_ring());
    xdr_server::startup::check_vault(&rotated).await.unwrap();
    let served = actix_web::test::init_service(xdr_http::app(rotated.clone())).await;
    let traffic = async {
        let mut replies = Vec::new();
        for (round, id) in ids.iter().enumerate().take(4) {
            replies.push(send(&served, get(BASE, Some(&ada.access))).await);
            let path = format!("{BASE}/{id}");
            let body = json!({"secret_access_key": OTHER_SECRET});
            replies.push(send(&served, patch(&path, Some(&ada.access), body)).await);
            let new = credential_body(&format!("during-{round}"));
            replies.push(send(&served, post(BASE, Some(&ada.access), new)).await);
            replies.push(send(&served, get(&path, Some(&ada.access))).await);
        }
        replies
    };
    let (report, replies) = tokio::join!(rotated.credentials.rewrap(2), traffic);
    let report = report.unwrap();
    for reply in &replies {
        assert!(reply.status.is_success(), "{reply:?}");
        assert!(
            !reply.body.to_string().contains("undecryptable"),
            "{reply:?}"
        );
    }
    assert_eq!((report.active_version, report.failed), (2, 0));
    // Counted when the run ended, while requests were still adding secrets: none is on key 1.
    assert_eq!(report.key_versions.keys().collect::<Vec<_>>(), [&2]);
    let now_stored = rotated.credentials.key_versions_in_use().await.unwrap();
    assert_eq!(now_stored, BTreeMap::from([(2, 23)]));
    assert!(report.resealed + report.changed_concurrently <= 15);

    // Key 1 seals nothing now: a server without it starts and opens everything.
    let retired = t.state_with_vault(KeyRing::new([(2, Key::from_bytes(NEW_KEY))], 2).unwrap());
    xdr_server::startup::check_vault(&retired).await.unwrap();
    let after = actix_web::test::init_service(xdr_http::app(retired)).await;
    let list = send(&after, get(&format!("{BASE}?limit=500"), Some(&ada.access))).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|c| c["status"] == "ok"), "{items:?}");
    // A server still on key 1 alone refuses to start.
    let stale = t.state_with_vault(vault_ring());
    let err = xdr_server::startup::check_vault(&stale)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("version(s) 2 (23 values)"), "{err}");
    // Running rewrap again finds nothing to do.
    let again = rotated.credentials.rewrap(100).await.unwrap();
    assert_eq!(
        (again.resealed, again.changed_concurrently, again.failed),
        (0, 0, 0)
    );
}

on_both_backends!(rewrap_while_serving_then_retire_the_old_key);
