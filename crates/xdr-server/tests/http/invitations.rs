//! Invitations: invite → accept → sign in with the invited role; one-time, expiring,
//! revocable tokens that only ever join the inviting organization. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::common::*;
use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::json;
use xdr_domain::ManualClock;

fn accept_body(token: &str) -> serde_json::Value {
    json!({"token": token, "full_name": "Grace Analyst", "password": "quiet harbor lantern ninety"})
}

async fn invite_accept_and_login_with_the_invited_role(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let invited = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": " Grace@Acme.example", "role": "analyst"}),
        ),
    )
    .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    assert_eq!(invited.body["email"], "grace@acme.example");
    assert_eq!(invited.body["role"], "analyst");
    let token = invited.body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 43);

    let listed = send(&app, get("/api/v1/invitations", Some(&admin.access))).await;
    assert_eq!(listed.body["items"][0]["status"], "pending");
    assert!(
        listed.body["items"][0].get("token").is_none(),
        "token shown only once"
    );

    let joined = send(
        &app,
        post("/api/v1/auth/accept-invitation", None, accept_body(&token)),
    )
    .await;
    assert_eq!(joined.status, StatusCode::CREATED, "{:?}", joined.body);
    assert_eq!(joined.body["user"]["role"], "analyst");
    assert_eq!(
        joined.body["user"]["organization_id"],
        admin.org_id.as_str()
    );
    assert_eq!(joined.body["token_type"], "Bearer");

    let login = login(&app, "grace@acme.example", "quiet harbor lantern ninety").await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.body["user"]["role"], "analyst");
    let me = send(&app, get("/api/v1/auth/me", Some(&access_of(&login)))).await;
    assert_eq!(me.body["organization"]["id"], admin.org_id.as_str());

    // Used once: a second acceptance is 404.
    let again = send(
        &app,
        post("/api/v1/auth/accept-invitation", None, accept_body(&token)),
    )
    .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let listed = send(&app, get("/api/v1/invitations", Some(&admin.access))).await;
    assert_eq!(listed.body["items"][0]["status"], "accepted");
    // Both steps are in the audit log, once each.
    for action in ["user.invited", "user.joined"] {
        let path = format!("/api/v1/audit-logs?action={action}");
        let entries = send(&app, get(&path, Some(&admin.access))).await;
        assert_eq!(
            entries.body["items"].as_array().unwrap().len(),
            1,
            "{action}"
        );
    }
}

async fn revoked_and_resent_old_tokens_are_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let first = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "g@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    let id = first.body["id"].as_str().unwrap().to_owned();
    let old_token = first.body["token"].as_str().unwrap().to_owned();

    let resent = send(
        &app,
        post_empty(
            &format!("/api/v1/invitations/{id}/resend"),
            Some(&admin.access),
        ),
    )
    .await;
    assert_eq!(resent.status, StatusCode::OK, "{:?}", resent.body);
    let new_token = resent.body["token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, old_token);
    let old = send(
        &app,
        post(
            "/api/v1/auth/accept-invitation",
            None,
            accept_body(&old_token),
        ),
    )
    .await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);

    assert_eq!(
        send(
            &app,
            delete(&format!("/api/v1/invitations/{id}"), Some(&admin.access))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let revoked = send(
        &app,
        post(
            "/api/v1/auth/accept-invitation",
            None,
            accept_body(&new_token),
        ),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NOT_FOUND);
    // Revoked twice, or resent after revocation: 404.
    assert_eq!(
        send(
            &app,
            delete(&format!("/api/v1/invitations/{id}"), Some(&admin.access))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            post_empty(
                &format!("/api/v1/invitations/{id}/resend"),
                Some(&admin.access)
            )
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let unknown = send(
        &app,
        post(
            "/api/v1/auth/accept-invitation",
            None,
            accept_body("x".repeat(43).as_str()),
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

async fn expired_tokens_are_not_found(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let invited = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "g@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    let token = invited.body["token"].as_str().unwrap().to_owned();
    clock.advance(Duration::days(7) + Duration::seconds(1));
    let late = send(
        &app,
        post("/api/v1/auth/accept-invitation", None, accept_body(&token)),
    )
    .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    // The expired invitation no longer blocks a new one for the same email.
    let admin2 = login(&app, "ada@acme.example", PASSWORD).await;
    let again = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&access_of(&admin2)),
            json!({"email": "g@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
}

async fn duplicate_invitations_and_existing_users_conflict(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    register(&app, "Globex", "hank@globex.example").await;
    let body = json!({"email": "g@acme.example", "role": "viewer"});
    assert_eq!(
        send(
            &app,
            post("/api/v1/invitations", Some(&admin.access), body.clone())
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let pending = send(&app, post("/api/v1/invitations", Some(&admin.access), body)).await;
    assert_eq!(
        (pending.status, pending.code()),
        (StatusCode::CONFLICT, "invitation_pending")
    );
    let member = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "hank@globex.example", "role": "viewer"}),
        ),
    )
    .await;
    assert_eq!(
        (member.status, member.code()),
        (StatusCode::CONFLICT, "email_taken")
    );
    let bad = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "nope", "role": "root"}),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn weak_password_on_accept_is_rejected_and_token_stays_usable(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let invited = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "g@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    let token = invited.body["token"].as_str().unwrap().to_owned();
    let weak = send(
        &app,
        post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "full_name": "G", "password": "password1234"}),
        ),
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body["error"]["fields"]["password"].is_array());
    let ok = send(
        &app,
        post("/api/v1/auth/accept-invitation", None, accept_body(&token)),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED);
}

async fn a_token_of_org_a_joins_org_a_only(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let invited = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&a.access),
            json!({"email": "g@acme.example", "role": "admin"}),
        ),
    )
    .await;
    let token = invited.body["token"].as_str().unwrap().to_owned();
    // Even accepted while authenticated as org B's admin, the member lands in org A.
    let joined = send(
        &app,
        post(
            "/api/v1/auth/accept-invitation",
            Some(&b.access),
            accept_body(&token),
        ),
    )
    .await;
    assert_eq!(joined.body["user"]["organization_id"], a.org_id.as_str());
    let b_users = send(&app, get("/api/v1/users", Some(&b.access))).await;
    assert_eq!(b_users.body["items"].as_array().unwrap().len(), 1);
    // B cannot see, revoke or resend A's invitations.
    let id = invited.body["id"].as_str().unwrap();
    assert_eq!(
        send(&app, get("/api/v1/invitations", Some(&b.access)))
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(
        send(
            &app,
            delete(&format!("/api/v1/invitations/{id}"), Some(&b.access))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            post_empty(&format!("/api/v1/invitations/{id}/resend"), Some(&b.access))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    invite_accept_and_login_with_the_invited_role,
    revoked_and_resent_old_tokens_are_not_found,
    expired_tokens_are_not_found,
    duplicate_invitations_and_existing_users_conflict,
    weak_password_on_accept_is_rejected_and_token_stays_usable,
    a_token_of_org_a_joins_org_a_only,
);
