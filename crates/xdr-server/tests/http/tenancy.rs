//! Organizations never see each other, and roles below the least role get 403.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use xdr_auth::AccessClaims;
use xdr_domain::identity::Role;

fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn sessions_of_another_organization_are_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let b_sessions = send(&app, get("/api/v1/auth/sessions", Some(&b.access))).await;
    let b_session = b_sessions.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let path = format!("/api/v1/auth/sessions/{b_session}");
    let reply = send(&app, delete(&path, Some(&a.access))).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    // B is untouched.
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&b.access)))
            .await
            .status,
        StatusCode::OK
    );
    let a_sessions = send(&app, get("/api/v1/auth/sessions", Some(&a.access))).await;
    assert!(
        a_sessions.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != b_session.as_str())
    );
}

async fn organization_comes_from_the_token_only(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    // Client-chosen hints about the organization are ignored.
    let req = get(
        &format!("/api/v1/organization?organization_id={}", b.org_id),
        Some(&a.access),
    )
    .insert_header(("X-Organization-Id", b.org_id.clone()));
    let reply = send(&app, req).await;
    assert_eq!(reply.body["id"], a.org_id.as_str());
    // A token re-signed to claim org B for A's session is refused (session belongs to A).
    let claims = claims_of(&a.access);
    let other_org = xdr_domain::OrganizationId::from_uuid(b.org_id.parse().unwrap());
    let forged = jwt_ring()
        .sign(&AccessClaims {
            org: other_org,
            ..claims
        })
        .unwrap();
    assert_eq!(
        send(&app, get("/api/v1/organization", Some(&forged)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Renaming A leaves B as it was.
    send(
        &app,
        patch(
            "/api/v1/organization",
            Some(&a.access),
            json!({"name": "Acme Two"}),
        ),
    )
    .await;
    let b_org = send(&app, get("/api/v1/organization", Some(&b.access))).await;
    assert_eq!(b_org.body["name"], "Globex");
}

async fn rename_organization_needs_admin(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let claims = claims_of(&a.access);
    // The role just below admin (a token of the same live session claiming soc_lead).
    let below = Role::Admin.below().unwrap();
    let soc_lead = jwt_ring()
        .sign(&AccessClaims {
            role: below,
            ..claims.clone()
        })
        .unwrap();
    let reply = send(
        &app,
        patch(
            "/api/v1/organization",
            Some(&soc_lead),
            json!({"name": "Hijacked"}),
        ),
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    // Viewers may read the organization.
    let viewer = jwt_ring()
        .sign(&AccessClaims {
            role: Role::Viewer,
            ..claims
        })
        .unwrap();
    assert_eq!(
        send(&app, get("/api/v1/organization", Some(&viewer)))
            .await
            .status,
        StatusCode::OK
    );
    let org = send(&app, get("/api/v1/organization", Some(&a.access))).await;
    assert_eq!(org.body["name"], "Acme", "nothing changed");
}

on_both_backends!(
    sessions_of_another_organization_are_not_found,
    organization_comes_from_the_token_only,
    rename_organization_needs_admin,
);
