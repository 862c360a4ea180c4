//! Only the owner reaches a credential: another user of the same organization, and any user of
//! another organization, get exactly what a missing credential gets (404, same body).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::credentials::*;
use crate::common::*;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::json;

const BASE: &str = "/api/v1/credentials";

/// Every way `token` could reach credential `id` answers 404 `not_found`, like a missing one.
async fn assert_unreachable<S, B>(app: &S, token: &str, id: &str)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let missing = send(
        app,
        get(&format!("{BASE}/{}", uuid::Uuid::now_v7()), Some(token)),
    )
    .await;
    let path = format!("{BASE}/{id}");
    let attempts = [
        get(&path, Some(token)),
        patch(
            &path,
            Some(token),
            json!({"name": "mine now", "is_default": true}),
        ),
        patch(
            &path,
            Some(token),
            json!({"secret_access_key": OTHER_SECRET}),
        ),
        delete(&path, Some(token)),
    ];
    for attempt in attempts {
        let reply = send(app, attempt).await;
        assert_eq!(
            (reply.status, &reply.body),
            (StatusCode::NOT_FOUND, &missing.body)
        );
    }
    let list = send(app, get(BASE, Some(token))).await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != id)
    );
}

async fn another_user_of_the_same_organization_gets_404(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let owner = register(&app, "Acme", "ada@acme.example").await;
    let mut body = credential_body("ada's");
    body["is_default"] = json!(true);
    let created = create_credential(&app, &owner.access, body).await;
    let id = created["id"].as_str().unwrap();
    let colleague = colleague(&t, &app, &owner, "bob@acme.example").await;
    // The colleague's own default must not disturb the owner's either.
    let mut theirs = credential_body("bob's");
    theirs["is_default"] = json!(true);
    create_credential(&app, &colleague, theirs).await;

    assert_unreachable(&app, &colleague, id).await;
    assert_eq!(
        credential(&app, &owner.access, id).await,
        created,
        "unchanged"
    );
    // The admin of the organization does not see members' credentials either.
    let admin_list = send(&app, get(BASE, Some(&owner.access))).await;
    assert_eq!(admin_list.body["items"].as_array().unwrap().len(), 1);
}

async fn users_of_another_organization_get_404(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let owner = register(&app, "Acme", "ada@acme.example").await;
    let created = create_credential(&app, &owner.access, temporary_body("ada's")).await;
    let id = created["id"].as_str().unwrap();
    let outsider = register(&app, "Globex", "hank@globex.example").await;
    create_credential(&app, &outsider.access, credential_body("hank's")).await;

    assert_unreachable(&app, &outsider.access, id).await;
    // Client-chosen hints about the organization change nothing.
    let hinted = get(
        &format!("{BASE}/{id}?organization_id={}", owner.org_id),
        Some(&outsider.access),
    )
    .insert_header(("X-Organization-Id", owner.org_id.clone()));
    assert_eq!(send(&app, hinted).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        credential(&app, &owner.access, id).await,
        created,
        "unchanged"
    );
}

on_both_backends!(
    another_user_of_the_same_organization_gets_404,
    users_of_another_organization_get_404,
);
