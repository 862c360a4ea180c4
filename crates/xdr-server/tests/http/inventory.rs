//! Log sources and ML model records through the real app, on both databases: CRUD, validation,
//! uniqueness, the least role of each write, and tenancy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

const SOURCES: &str = "/api/v1/log-sources";
const MODELS: &str = "/api/v1/ml-models";

fn source_body(name: &str) -> Value {
    json!({"name": name, "source_type": "cowrie", "hostname": "hp-01.dmz.example",
           "description": "SSH honeypot in the DMZ"})
}

fn model_body(name: &str, version: &str) -> Value {
    json!({"name": name, "kind": "isolation_forest", "version": version,
           "metrics": {"precision": 0.91, "recall": 0.84}})
}

async fn log_source_crud(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let created = send(
        &app,
        post(SOURCES, Some(&a.access), source_body("Honeypot")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["source_type"], "cowrie");
    assert_eq!(created.body["enabled"], true);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let second = send(
        &app,
        post(
            SOURCES,
            Some(&a.access),
            json!({"name": "Relay", "source_type": "syslog"}),
        ),
    )
    .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body["hostname"], Value::Null);

    let list = send(&app, get(SOURCES, Some(&a.access))).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["items"][0]["name"], "Relay", "newest first");
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(list.body["next_cursor"], Value::Null);
    let page = send(&app, get(&format!("{SOURCES}?limit=1"), Some(&a.access))).await;
    let cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
    let next = send(
        &app,
        get(
            &format!("{SOURCES}?limit=1&cursor={cursor}"),
            Some(&a.access),
        ),
    )
    .await;
    assert_eq!(next.body["items"][0]["id"], id.as_str());
    assert_eq!(next.body["next_cursor"], Value::Null);

    let path = format!("{SOURCES}/{id}");
    let one = send(&app, get(&path, Some(&a.access))).await;
    assert_eq!(one.body, created.body);
    let changed = send(
        &app,
        patch(
            &path,
            Some(&a.access),
            json!({"enabled": false, "hostname": null, "source_type": "zeek"}),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["enabled"], false);
    assert_eq!(changed.body["hostname"], Value::Null);
    assert_eq!(changed.body["source_type"], "zeek");
    assert_eq!(changed.body["description"], "SSH honeypot in the DMZ");
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.body,
        changed.body
    );

    let deleted = send(&app, delete(&path, Some(&a.access))).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn log_source_validation_and_uniqueness(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let bad = json!({"name": "", "source_type": "kafka", "hostname": "bad host!",
                     "description": "x".repeat(1001)});
    let reply = send(&app, post(SOURCES, Some(&a.access), bad)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "source_type", "hostname", "description"] {
        assert!(
            reply.body["error"]["fields"][field].is_array(),
            "{field}: {:?}",
            reply.body
        );
    }
    let long = send(
        &app,
        post(SOURCES, Some(&a.access), source_body(&"n".repeat(101))),
    )
    .await;
    assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = json!({"name": "x", "source_type": "cowrie", "port": 22});
    let reply = send(&app, post(SOURCES, Some(&a.access), unknown)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    let first = send(
        &app,
        post(SOURCES, Some(&a.access), source_body("Honeypot")),
    )
    .await;
    let taken = send(
        &app,
        post(SOURCES, Some(&a.access), source_body("Honeypot")),
    )
    .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.code(), "log_source_exists");
    let other = send(&app, post(SOURCES, Some(&a.access), source_body("Relay"))).await;
    let other_path = format!("{SOURCES}/{}", other.body["id"].as_str().unwrap());
    let rename = send(
        &app,
        patch(&other_path, Some(&a.access), json!({"name": "Honeypot"})),
    )
    .await;
    assert_eq!(rename.status, StatusCode::CONFLICT);
    assert_eq!(rename.code(), "log_source_exists");
    assert_eq!(
        send(&app, get(&other_path, Some(&a.access))).await.body["name"],
        "Relay"
    );

    let path = format!("{SOURCES}/{}", first.body["id"].as_str().unwrap());
    let empty = send(&app, patch(&path, Some(&a.access), json!({}))).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = send(&app, patch(&path, Some(&a.access), json!({"owner": "me"}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_type = send(
        &app,
        patch(&path, Some(&a.access), json!({"source_type": "x"})),
    )
    .await;
    assert_eq!(bad_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_type.body["error"]["fields"]["source_type"].is_array());
    // Another organization may use the same name.
    let b = register(&app, "Globex", "hank@globex.example").await;
    let b_same = send(
        &app,
        post(SOURCES, Some(&b.access), source_body("Honeypot")),
    )
    .await;
    assert_eq!(b_same.status, StatusCode::CREATED);
}

async fn ml_model_crud_validation_and_uniqueness(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let created = send(
        &app,
        post(MODELS, Some(&a.access), model_body("SSH anomaly", "1.0.0")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["metrics"]["precision"], 0.91);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("{MODELS}/{id}");
    let v2 = send(
        &app,
        post(MODELS, Some(&a.access), model_body("SSH anomaly", "2.0.0")),
    )
    .await;
    assert_eq!(v2.status, StatusCode::CREATED);
    let again = send(
        &app,
        post(MODELS, Some(&a.access), model_body("SSH anomaly", "1.0.0")),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "ml_model_exists");
    let list = send(&app, get(MODELS, Some(&a.access))).await;
    assert_eq!(list.body["items"][0]["version"], "2.0.0", "newest first");
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);

    let changed = send(
        &app,
        patch(
            &path,
            Some(&a.access),
            json!({"status": "deployed", "metrics": {"f1": 0.87}}),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["status"], "deployed");
    assert_eq!(changed.body["metrics"], json!({"f1": 0.87}));
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.body,
        changed.body
    );
    let clash = send(
        &app,
        patch(&path, Some(&a.access), json!({"version": "2.0.0"})),
    )
    .await;
    assert_eq!(clash.status, StatusCode::CONFLICT);

    let bad = json!({"name": " ", "kind": "bad kind", "version": "", "status": "live",
                     "metrics": [1, 2]});
    let reply = send(&app, post(MODELS, Some(&a.access), bad)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "kind", "version", "status", "metrics"] {
        assert!(
            reply.body["error"]["fields"][field].is_array(),
            "{field}: {:?}",
            reply.body
        );
    }
    let big = json!({"name": "big", "kind": "lstm", "version": "1",
                     "metrics": {"blob": "x".repeat(16 * 1024)}});
    let reply = send(&app, post(MODELS, Some(&a.access), big)).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body["error"]["fields"]["metrics"].is_array());
    let scalar = send(&app, patch(&path, Some(&a.access), json!({"metrics": 3}))).await;
    assert_eq!(scalar.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty = send(&app, patch(&path, Some(&a.access), json!({}))).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = send(
        &app,
        patch(&path, Some(&a.access), json!({"weights": "s3://x"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn roles_below_each_write_get_403(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let viewer = access_of(&add_member(&app, &admin, "v@acme.example", "viewer").await);
    let analyst = access_of(&add_member(&app, &admin, "an@acme.example", "analyst").await);
    let lead = access_of(&add_member(&app, &admin, "lead@acme.example", "soc_lead").await);
    let source = send(&app, post(SOURCES, Some(&lead), source_body("Honeypot"))).await;
    assert_eq!(
        source.status,
        StatusCode::CREATED,
        "soc_lead writes log sources"
    );
    let model = send(
        &app,
        post(MODELS, Some(&admin.access), model_body("m", "1")),
    )
    .await;
    assert_eq!(model.status, StatusCode::CREATED);
    let source_path = format!("{SOURCES}/{}", source.body["id"].as_str().unwrap());
    let model_path = format!("{MODELS}/{}", model.body["id"].as_str().unwrap());

    // The role just below the least role of each write.
    let writes = [
        post(SOURCES, Some(&analyst), source_body("Other")),
        patch(&source_path, Some(&analyst), json!({"enabled": false})),
        delete(&source_path, Some(&analyst)),
        post(MODELS, Some(&lead), model_body("m", "2")),
        patch(&model_path, Some(&lead), json!({"status": "retired"})),
        delete(&model_path, Some(&lead)),
    ];
    for req in writes {
        let reply = send(&app, req).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
        assert_eq!(reply.code(), "forbidden");
    }
    // Viewers read everything.
    for path in [SOURCES, source_path.as_str(), MODELS, model_path.as_str()] {
        assert_eq!(
            send(&app, get(path, Some(&viewer))).await.status,
            StatusCode::OK,
            "{path}"
        );
    }
    assert_eq!(
        send(&app, get(&source_path, Some(&admin.access)))
            .await
            .body,
        source.body
    );
    assert_eq!(
        send(&app, get(&model_path, Some(&admin.access))).await.body,
        model.body
    );
}

async fn another_organizations_records_are_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let source = send(
        &app,
        post(SOURCES, Some(&b.access), source_body("Honeypot")),
    )
    .await;
    let model = send(&app, post(MODELS, Some(&b.access), model_body("m", "1"))).await;
    for (path, change) in [
        (
            format!("{SOURCES}/{}", source.body["id"].as_str().unwrap()),
            json!({"enabled": false}),
        ),
        (
            format!("{MODELS}/{}", model.body["id"].as_str().unwrap()),
            json!({"status": "retired"}),
        ),
    ] {
        let before = send(&app, get(&path, Some(&b.access))).await;
        for req in [
            get(&path, Some(&a.access)),
            patch(&path, Some(&a.access), change.clone()),
            delete(&path, Some(&a.access)),
        ] {
            let reply = send(&app, req).await;
            assert_eq!(
                reply.status,
                StatusCode::NOT_FOUND,
                "{path}: {:?}",
                reply.body
            );
            assert_eq!(reply.code(), "not_found");
        }
        assert_eq!(
            send(&app, get(&path, Some(&b.access))).await.body,
            before.body
        );
    }
    for list in [SOURCES, MODELS] {
        let reply = send(&app, get(list, Some(&a.access))).await;
        assert_eq!(reply.body["items"], json!([]), "{list}");
    }
}

on_both_backends!(
    log_source_crud,
    log_source_validation_and_uniqueness,
    ml_model_crud_validation_and_uniqueness,
    roles_below_each_write_get_403,
    another_organizations_records_are_not_found,
);
