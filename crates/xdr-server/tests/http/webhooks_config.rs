//! Configuring an organization's webhook: roles, tenancy, the secret shown once, the audit
//! trail and the OpenAPI document; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::receiver::{Receiver, Step};
use crate::common::webhooks::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

const ROTATE: &str = "/api/v1/integrations/webhook/rotate-secret";

async fn admins_configure_soc_leads_read(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let lead = access_of(&add_member(&app, &a, "lead@acme.example", "soc_lead").await);
    let analyst = access_of(&add_member(&app, &a, "an@acme.example", "analyst").await);
    assert_eq!(
        send(&app, get(WEBHOOK, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );

    let url = "https://hooks.acme.example/mini-xdr?team=soc";
    let body = json!({"url": url, "enabled": true});
    // Below admin, no write is allowed; below soc_lead, not even a read.
    for token in [&lead, &analyst] {
        for req in [
            put(WEBHOOK, Some(token), body.clone()),
            post_empty(ROTATE, Some(token)),
            delete(WEBHOOK, Some(token)),
        ] {
            let reply = send(&app, req).await;
            assert_eq!(
                (reply.status, reply.code()),
                (StatusCode::FORBIDDEN, "forbidden")
            );
        }
    }
    assert_eq!(
        send(&app, get(WEBHOOK, Some(&analyst))).await.status,
        StatusCode::FORBIDDEN
    );

    let created = send(&app, put(WEBHOOK, Some(&a.access), body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 43, "256 bits, base64url");
    let preview = format!("{}\u{2026}", &secret[..4]);
    assert_eq!(created.body["secret_preview"], preview.as_str());
    assert_eq!(created.body["url"], url);
    assert_eq!(created.body["enabled"], true);

    let read = send(&app, get(WEBHOOK, Some(&lead))).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.get("secret").is_none(), "{:?}", read.body);
    assert_eq!(read.body["secret_preview"], preview.as_str());

    // Replacing keeps the secret and returns none.
    let moved = json!({"url": "https://soar.acme.example/in", "enabled": false});
    let replaced = send(&app, put(WEBHOOK, Some(&a.access), moved)).await;
    assert_eq!(replaced.status, StatusCode::OK, "{:?}", replaced.body);
    assert!(replaced.body.get("secret").is_none());
    assert_eq!(replaced.body["url"], "https://soar.acme.example/in");
    assert_eq!(replaced.body["enabled"], false);
    assert_eq!(replaced.body["secret_preview"], preview.as_str());
    assert_eq!(replaced.body["created_at"], created.body["created_at"]);

    let rotated = send(&app, post_empty(ROTATE, Some(&a.access))).await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let after = send(&app, get(WEBHOOK, Some(&a.access))).await.body;
    assert_eq!(
        after["secret_preview"],
        format!("{}\u{2026}", &new_secret[..4])
    );

    assert_eq!(
        send(&app, delete(WEBHOOK, Some(&a.access))).await.status,
        StatusCode::NO_CONTENT
    );
    for req in [
        get(WEBHOOK, Some(&a.access)),
        delete(WEBHOOK, Some(&a.access)),
        post_empty(ROTATE, Some(&a.access)),
    ] {
        let reply = send(&app, req).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }

    // Every change is in the audit log, without the secret or the URL's path.
    let mut audited = Vec::new();
    for action in [
        "webhook.configured",
        "webhook.secret_rotated",
        "webhook.deleted",
    ] {
        let path = format!("/api/v1/audit-logs?action={action}");
        let items = send(&app, get(&path, Some(&a.access))).await.body["items"].clone();
        audited.push((action, items.as_array().unwrap().len()));
        let text = items.to_string();
        for hidden in [secret.as_str(), new_secret, "team=soc", "/mini-xdr"] {
            assert!(!text.contains(hidden), "{action} shows {hidden}: {text}");
        }
    }
    assert_eq!(
        audited,
        [
            ("webhook.configured", 2),
            ("webhook.secret_rotated", 1),
            ("webhook.deleted", 1)
        ]
    );
    let configured = send(
        &app,
        get(
            "/api/v1/audit-logs?action=webhook.configured",
            Some(&a.access),
        ),
    )
    .await;
    assert_eq!(
        configured.body["items"][1]["details"],
        json!({"host": "hooks.acme.example", "enabled": true, "created": true})
    );
}

async fn organizations_cannot_see_or_change_each_others_webhook(backend: Backend) {
    let receiver = Receiver::start(&[Step::Status(200)]);
    let t = TestApp::with_webhooks(backend, local_delivery());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let a_hook = configure(&app, &a.access, &receiver.url).await;
    // B sees nothing, and its writes create or touch only its own.
    assert_eq!(
        send(&app, get(WEBHOOK, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, post_empty(ROTATE, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, delete(WEBHOOK, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    configure(&app, &b.access, "http://127.0.0.1:9/b-only").await;
    let a_now = send(&app, get(WEBHOOK, Some(&a.access))).await.body;
    assert_eq!(a_now["url"], a_hook["url"]);
    assert_eq!(a_now["secret_preview"], a_hook["secret_preview"]);
    assert_eq!(a_now["updated_at"], a_hook["updated_at"]);
    // A's actions go to A's receiver only, and B's action log stays empty.
    let incident = open_incident(&app, &a.access).await;
    let id = act(&app, &a.access, &incident).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(settled(&app, &a.access, &id).await["status"], "succeeded");
    assert_eq!(receiver.received().len(), 1);
    let b_actions = send(&app, get("/api/v1/actions", Some(&b.access))).await;
    assert_eq!(b_actions.body["items"], json!([]));
}

async fn openapi_documents_webhooks_and_pending(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let doc: Value = send(&app, get(xdr_http::OPENAPI_PATH, None)).await.body;
    for (path, methods) in [
        (WEBHOOK, &["get", "put", "delete"][..]),
        (ROTATE, &["post"][..]),
    ] {
        for method in methods {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
    }
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["ActionStatusView"]["enum"],
        json!(["recorded", "pending", "succeeded", "failed"])
    );
    assert_eq!(
        schemas["WebhookWithSecret"]["properties"]["secret"]["format"],
        "password"
    );
    assert!(schemas["WebhookView"]["properties"].get("secret").is_none());
}

on_both_backends!(
    admins_configure_soc_leads_read,
    organizations_cannot_see_or_change_each_others_webhook,
    openapi_documents_webhooks_and_pending,
);
