//! My credentials in the console: stored through the vault, listed with the key's preview,
//! secrets never rendered back (not even on a refused form), only the owner's, deletion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;

use super::browser::Browser;
use crate::common::credentials::{ACCESS_KEY_ID, SECRET};
use crate::common::*;

async fn credentials_are_stored_listed_and_deleted_without_their_secrets(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "ana@acme.example", "analyst").await;
    let mut ana = Browser::new();
    ana.sign_in(&app, "ana@acme.example", PASSWORD).await;
    ana.get(&app, "/credentials").await;
    let refused = ana
        .submit(
            &app,
            "/credentials",
            &[
                ("name", "prod"),
                ("access_key_id", "nope"),
                ("secret_access_key", SECRET),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        !refused.body.contains(SECRET),
        "a refused form echoes no secret"
    );
    let stored = ana
        .submit(
            &app,
            "/credentials",
            &[
                ("name", "prod"),
                ("access_key_id", ACCESS_KEY_ID),
                ("secret_access_key", SECRET),
                ("region", "eu-west-1"),
                ("is_default", "true"),
            ],
        )
        .await;
    assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.body);
    let page = ana.get(&app, "/credentials").await;
    assert!(page.body.contains("AKIA…WXYZ"), "{}", page.body);
    assert!(!page.body.contains(SECRET) && !page.body.contains(ACCESS_KEY_ID));
    assert!(page.body.contains("<td>eu-west-1</td>"));
    // Another member of the organization sees none of them, and cannot delete them.
    let mut ada = Browser::new();
    ada.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let theirs = ada.get(&app, "/credentials").await;
    assert!(theirs.body.contains("No credentials yet."));
    let marker = "action=\"/credentials/";
    let start = page.body.find(marker).unwrap() + marker.len();
    let id = page.body[start..start + 36].to_owned();
    let foreign = ada
        .submit(&app, &format!("/credentials/{id}/delete"), &[])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let deleted = ana
        .submit(&app, &format!("/credentials/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(
        ana.get(&app, "/credentials")
            .await
            .body
            .contains("No credentials yet.")
    );
}

on_both_backends!(credentials_are_stored_listed_and_deleted_without_their_secrets);
