//! Members, invitations and the audit log in the console: who may see them, the invitation
//! link that signs the new member in with the invited role, chain verification.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;

use super::browser::Browser;
use crate::common::*;

async fn an_invited_member_joins_through_the_link(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    let mut admin = Browser::new();
    admin.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let users = admin.get(&app, "/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("ada@acme.example"));
    let invited = admin
        .submit(
            &app,
            "/users/invitations",
            &[("email", "ana@acme.example"), ("role", "analyst")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let marker = "value=\"http://localhost:8080/accept-invitation?token=";
    let start = invited.body.find(marker).expect("the link is shown") + marker.len();
    let end = invited.body[start..].find('"').unwrap();
    let token = invited.body[start..start + end].to_owned();
    assert!(invited.body.contains("<td>pending</td>"));
    let again = admin
        .submit(
            &app,
            "/users/invitations",
            &[("email", "ana@acme.example"), ("role", "analyst")],
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    let mut member = Browser::new();
    let form = member
        .get(&app, &format!("/accept-invitation?token={token}"))
        .await;
    assert!(form.body.contains(&format!("value=\"{token}\"")));
    let weak = member
        .submit(
            &app,
            "/accept-invitation",
            &[
                ("token", &token),
                ("full_name", "Ana"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let joined = member
        .submit(
            &app,
            "/accept-invitation",
            &[
                ("token", &token),
                ("full_name", "Ana"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let home = member.get(&app, "/").await;
    assert!(home.body.contains(">analyst<"));
    // Analysts see neither members nor the audit log, in the menu or by URL.
    assert!(!home.body.contains("href=\"/users\""));
    assert!(!home.body.contains("href=\"/audit\""));
    assert_eq!(
        member.get(&app, "/users").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        member.get(&app, "/audit").await.status,
        StatusCode::FORBIDDEN
    );
    let reuse = Browser::new()
        .get(&app, &format!("/accept-invitation?token={token}"))
        .await;
    assert_eq!(reuse.status, StatusCode::OK);
    let mut late = Browser::new();
    late.get(&app, "/accept-invitation").await;
    let used = late
        .submit(
            &app,
            "/accept-invitation",
            &[
                ("token", &token),
                ("full_name", "Eve"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
}

async fn a_soc_lead_sees_members_but_cannot_invite(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    add_member(&app, &admin, "lee@acme.example", "soc_lead").await;
    let mut lead = Browser::new();
    lead.sign_in(&app, "lee@acme.example", PASSWORD).await;
    let users = lead.get(&app, "/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("ada@acme.example"));
    assert!(!users.body.contains("action=\"/users/invitations\""));
    let refused = lead
        .submit(
            &app,
            "/users/invitations",
            &[("email", "eve@acme.example"), ("role", "admin")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let invitations = send(&app, get("/api/v1/invitations", Some(&admin.access))).await;
    assert_eq!(invitations.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(lead.get(&app, "/audit").await.status, StatusCode::FORBIDDEN);
}

async fn admins_read_and_verify_the_audit_log(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    register(&app, "Acme", "ada@acme.example").await;
    register(&app, "Globex", "hank@globex.example").await;
    let mut admin = Browser::new();
    admin.sign_in(&app, "ada@acme.example", PASSWORD).await;
    let log = admin.get(&app, "/audit").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("<td>auth.login</td>"), "{}", log.body);
    assert!(!log.body.contains("hank@globex.example"));
    let filtered = admin.get(&app, "/audit?action=auth.register").await;
    assert!(!filtered.body.contains("<td>auth.login</td>"));
    assert!(filtered.body.contains("<td>auth.register</td>"));
    let verified = admin.get(&app, "/audit?verify=1").await;
    assert!(
        verified.body.contains("The chain is intact"),
        "{}",
        verified.body
    );
    let bad = admin.get(&app, "/audit?action=auth.nothing").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

on_both_backends!(
    an_invited_member_joins_through_the_link,
    a_soc_lead_sees_members_but_cannot_invite,
    admins_read_and_verify_the_audit_log,
);
