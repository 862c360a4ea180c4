//! `/api/v1/credentials`: the owner's CRUD, validation, the default flag and pages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::credentials::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

const BASE: &str = "/api/v1/credentials";

async fn crud_round_trip_never_returns_secrets(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let created = create_credential(&app, &a.access, credential_body("prod")).await;
    assert_eq!(created["access_key_preview"], "AKIA…WXYZ");
    assert_eq!(
        (&created["name"], &created["provider"], &created["status"]),
        (&json!("prod"), &json!("aws"), &json!("ok"))
    );
    assert_eq!(created["region"], "eu-west-1");
    assert_eq!(created["account_id"], "012345678901");
    assert_eq!(created["is_default"], false);
    assert!(created["last_used_at"].is_null());
    let id = created["id"].as_str().unwrap().to_owned();
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "access_key_preview",
            "account_id",
            "created_at",
            "id",
            "is_default",
            "last_used_at",
            "name",
            "provider",
            "region",
            "status",
            "updated_at"
        ]
    );
    assert_no_secrets("create response", &created.to_string());

    let list = send(&app, get(BASE, Some(&a.access))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(list.body["next_cursor"].is_null());
    assert_eq!(credential(&app, &a.access, &id).await, created);

    let path = format!("{BASE}/{id}");
    let patch_body = json!({"name": "production", "region": null, "is_default": true,
                            "secret_access_key": OTHER_SECRET});
    let updated = send(&app, patch(&path, Some(&a.access), patch_body)).await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["name"], "production");
    assert!(updated.body["region"].is_null());
    assert_eq!(updated.body["account_id"], "012345678901");
    assert_eq!(
        (&updated.body["is_default"], &updated.body["status"]),
        (&json!(true), &json!("ok"))
    );
    assert_no_secrets("update response", &updated.body.to_string());
    let unchanged = send(&app, patch(&path, Some(&a.access), json!({}))).await;
    assert_eq!(unchanged.body, updated.body);

    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NO_CONTENT
    );
    for reply in [
        send(&app, get(&path, Some(&a.access))).await,
        send(&app, delete(&path, Some(&a.access))).await,
        send(&app, get(&format!("{BASE}/not-a-uuid"), Some(&a.access))).await,
    ] {
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
}

async fn invalid_input_gets_422_without_echoing_secrets(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let bad = json!({
        "name": " ", "provider": "gcp", "access_key_id": "AKIA123",
        "secret_access_key": "Zq3vN8xP2mK7tR5wY9bC-too-short", "region": "mars-1",
        "account_id": "12345",
    });
    let reply = send(&app, post(BASE, Some(&a.access), bad)).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let fields: Vec<&String> = reply.body["error"]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        fields,
        [
            "access_key_id",
            "account_id",
            "name",
            "provider",
            "region",
            "secret_access_key"
        ]
    );
    assert!(
        !reply.body.to_string().contains("too-short"),
        "{:?}",
        reply.body
    );

    let mut asia_without_token = temporary_body("temp");
    asia_without_token
        .as_object_mut()
        .unwrap()
        .remove("session_token");
    let mut akia_with_token = credential_body("x");
    akia_with_token["session_token"] = json!(SESSION_TOKEN);
    let mut unknown_field = credential_body("x");
    unknown_field["organization_id"] = json!(a.org_id);
    for (body, field) in [
        (asia_without_token, "session_token"),
        (akia_with_token, "session_token"),
        (unknown_field, "organization_id"),
        (json!({"name": "x", "provider": "aws"}), "access_key_id"),
    ] {
        let reply = send(&app, post(BASE, Some(&a.access), body)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            reply.body
        );
        assert!(
            reply.body["error"]["fields"][field].is_array(),
            "{:?}",
            reply.body
        );
        assert_no_secrets("error response", &reply.body.to_string());
    }
    let id = create_credential(&app, &a.access, temporary_body("temp")).await["id"].clone();
    let path = format!("{BASE}/{}", id.as_str().unwrap());
    for body in [
        json!({"secret_access_key": "short"}),
        json!({"name": ""}),
        json!({"region": "x"}),
        json!({"access_key_id": ACCESS_KEY_ID}),
        json!({"session_token": SESSION_TOKEN}),
    ] {
        let reply = send(&app, patch(&path, Some(&a.access), body)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            reply.body
        );
        assert_no_secrets("error response", &reply.body.to_string());
    }
    let listed = send(&app, get(BASE, Some(&a.access))).await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "nothing else was stored"
    );
}

async fn at_most_one_default_per_user(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let mut body = credential_body("first");
    body["is_default"] = json!(true);
    let first = create_credential(&app, &a.access, body.clone()).await["id"].clone();
    body["name"] = json!("second");
    let second = create_credential(&app, &a.access, body).await["id"].clone();
    let mut contenders: Vec<String> = futures_util::future::join_all(
        (0..4).map(|i| create_credential(&app, &a.access, credential_body(&format!("c{i}")))),
    )
    .await
    .iter()
    .map(|c| c["id"].as_str().unwrap().to_owned())
    .collect();
    let defaults = || async {
        let list = send(&app, get(BASE, Some(&a.access))).await;
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["is_default"] == true)
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(defaults().await, [second.as_str().unwrap()]);
    // Many "make this my default" at once: every request succeeds, one default remains.
    contenders.push(first.as_str().unwrap().to_owned());
    let replies = futures_util::future::join_all(contenders.iter().map(|id| {
        send(
            &app,
            patch(
                &format!("{BASE}/{id}"),
                Some(&a.access),
                json!({"is_default": true}),
            ),
        )
    }))
    .await;
    assert!(
        replies.iter().all(|r| r.status == StatusCode::OK),
        "{replies:?}"
    );
    assert_eq!(defaults().await.len(), 1);
}

async fn pages_and_authentication(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    for i in 0..3 {
        create_credential(&app, &a.access, credential_body(&format!("c{i}"))).await;
    }
    let first = send(&app, get(&format!("{BASE}?limit=2"), Some(&a.access))).await;
    let names: Vec<&str> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c2", "c1"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = send(
        &app,
        get(&format!("{BASE}?limit=2&cursor={cursor}"), Some(&a.access)),
    )
    .await;
    assert_eq!(rest.body["items"][0]["name"], "c0");
    assert!(rest.body["next_cursor"].is_null());
    for query in ["limit=0", "limit=501", "cursor=nope", "limit=x"] {
        let reply = send(&app, get(&format!("{BASE}?{query}"), Some(&a.access))).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
    }
    let some_id = uuid::Uuid::now_v7();
    for req in [
        get(BASE, None),
        post(BASE, None, credential_body("x")),
        get(&format!("{BASE}/{some_id}"), None),
        patch(&format!("{BASE}/{some_id}"), None, json!({})),
        delete(&format!("{BASE}/{some_id}"), None),
    ] {
        assert_eq!(send(&app, req).await.status, StatusCode::UNAUTHORIZED);
    }
}

/// Viewer is the least role: any member keeps their own credentials.
async fn viewers_keep_their_own_credentials(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let viewer = colleague(&t, &app, &a, "val@acme.example").await;
    let created = create_credential(&app, &viewer, temporary_body("mine")).await;
    assert_eq!(created["access_key_preview"], "ASIA…ABCD");
    let id = created["id"].as_str().unwrap();
    assert_eq!(credential(&app, &viewer, id).await["status"], "ok");
    let path = format!("{BASE}/{id}");
    assert_eq!(
        send(&app, patch(&path, Some(&viewer), json!({"name": "n"})))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, delete(&path, Some(&viewer))).await.status,
        StatusCode::NO_CONTENT
    );
}

on_both_backends!(
    crud_round_trip_never_returns_secrets,
    invalid_input_gets_422_without_echoing_secrets,
    at_most_one_default_per_user,
    pages_and_authentication,
    viewers_keep_their_own_credentials,
);
