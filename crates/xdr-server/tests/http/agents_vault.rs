//! Agent secrets and the vault's key versions: the start-up check refuses a key ring missing
//! a version an agent secret uses, and a key that seals agent secrets is not retirable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use xdr_crypto::{Key, KeyRing};

use crate::common::agents::*;
use crate::common::*;

const NEW_KEY: [u8; 32] = [0x66; 32];

fn ring(keys: &[(u32, [u8; 32])], active: u32) -> KeyRing {
    KeyRing::new(keys.iter().map(|(v, k)| (*v, Key::from_bytes(*k))), active).unwrap()
}

async fn agent_secrets_hold_their_key_version(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    new_agent(&t, &app, &a.org_id, "web-1").await;
    new_agent(&t, &app, &a.org_id, "web-2").await;
    assert_eq!(
        t.state.agents.key_versions_in_use().await.unwrap(),
        BTreeMap::from([(1, 2)])
    );
    // Key 1 gone: refused before serving, naming the version and the count.
    let without_old = t.state_with_vault(ring(&[(2, NEW_KEY)], 2));
    let refused = xdr_server::startup::check_vault(&without_old)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("version(s) 1 (2 value"),
        "{refused}"
    );
    // Both keys: it starts, and the agents' secrets still open under key 1.
    let rotated = t.state_with_vault(ring(&[(1, TEST_VAULT_KEY), (2, NEW_KEY)], 2));
    xdr_server::startup::check_vault(&rotated).await.unwrap();
}

on_both_backends!(agent_secrets_hold_their_key_version);
