//! Member management: roles, deactivation, the last-admin guard, and the role matrix of the
//! administration endpoints. Both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

fn user_id_of(reply: &Reply) -> String {
    reply.body["user"]["id"].as_str().unwrap().to_owned()
}

async fn list_and_change_roles(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let member = add_member(&app, &admin, "g@acme.example", "analyst").await;
    let member_id = user_id_of(&member);
    let member_access = access_of(&member);

    let users = send(&app, get("/api/v1/users", Some(&admin.access))).await;
    assert_eq!(users.status, StatusCode::OK);
    assert_eq!(users.body["items"].as_array().unwrap().len(), 2);
    let paged = send(&app, get("/api/v1/users?limit=1", Some(&admin.access))).await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 1);
    let cursor = paged.body["next_cursor"].as_str().unwrap().to_owned();
    let next = send(
        &app,
        get(
            &format!("/api/v1/users?limit=1&cursor={cursor}"),
            Some(&admin.access),
        ),
    )
    .await;
    assert_eq!(next.body["items"].as_array().unwrap().len(), 1);
    assert_ne!(next.body["items"][0]["id"], paged.body["items"][0]["id"]);
    assert!(next.body["next_cursor"].is_null());
    assert_eq!(
        send(
            &app,
            get("/api/v1/users?cursor=garbage!", Some(&admin.access))
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let promoted = send(
        &app,
        patch(
            &format!("/api/v1/users/{member_id}"),
            Some(&admin.access),
            json!({"role": "soc_lead"}),
        ),
    )
    .await;
    assert_eq!(promoted.status, StatusCode::OK, "{:?}", promoted.body);
    assert_eq!(promoted.body["role"], "soc_lead");
    // A role change ends the member's sessions at once.
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&member_access)))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let relogin = login(&app, "g@acme.example", PASSWORD).await;
    assert_eq!(relogin.body["user"]["role"], "soc_lead");
    // Empty or invalid changes are 422.
    let empty = send(
        &app,
        patch(
            &format!("/api/v1/users/{member_id}"),
            Some(&admin.access),
            json!({}),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_role = send(
        &app,
        patch(
            &format!("/api/v1/users/{member_id}"),
            Some(&admin.access),
            json!({"role": "root"}),
        ),
    )
    .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn deactivation_ends_sessions_and_sign_in(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let member = add_member(&app, &admin, "g@acme.example", "analyst").await;
    let member_id = user_id_of(&member);
    let refresh = member.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&access_of(&member))))
            .await
            .status,
        StatusCode::OK
    );

    let off = send(
        &app,
        patch(
            &format!("/api/v1/users/{member_id}"),
            Some(&admin.access),
            json!({"is_active": false}),
        ),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(off.body["is_active"], false);
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&access_of(&member))))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = send(
        &app,
        post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": refresh}),
        ),
    )
    .await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
    // Same answer as a wrong password: nothing tells the account exists but is disabled.
    let right_password = login(&app, "g@acme.example", PASSWORD).await;
    let wrong_password = login(&app, "g@acme.example", "definitely not it!!").await;
    assert_eq!(right_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(right_password.body, wrong_password.body);

    let on = send(
        &app,
        patch(
            &format!("/api/v1/users/{member_id}"),
            Some(&admin.access),
            json!({"is_active": true}),
        ),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK);
    assert_eq!(
        login(&app, "g@acme.example", PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn the_last_admin_stays(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    for change in [json!({"role": "soc_lead"}), json!({"is_active": false})] {
        let reply = send(
            &app,
            patch(
                &format!("/api/v1/users/{}", admin.user_id),
                Some(&admin.access),
                change,
            ),
        )
        .await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::CONFLICT, "last_admin")
        );
    }
    // With a second admin, one may step down; the survivor cannot.
    let second = add_member(&app, &admin, "second@acme.example", "admin").await;
    let second_id = user_id_of(&second);
    let down = send(
        &app,
        patch(
            &format!("/api/v1/users/{}", admin.user_id),
            Some(&admin.access),
            json!({"role": "analyst"}),
        ),
    )
    .await;
    assert_eq!(down.status, StatusCode::OK);
    let second_access = access_of(&second);
    let last = send(
        &app,
        patch(
            &format!("/api/v1/users/{second_id}"),
            Some(&second_access),
            json!({"is_active": false}),
        ),
    )
    .await;
    assert_eq!(last.code(), "last_admin");
}

async fn two_admins_demoting_each_other_at_once_leave_one(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let first = register(&app, "Acme", "ada@acme.example").await;
    let second = add_member(&app, &first, "second@acme.example", "admin").await;
    let (second_id, second_access) = (user_id_of(&second), access_of(&second));
    let a = send(
        &app,
        patch(
            &format!("/api/v1/users/{second_id}"),
            Some(&first.access),
            json!({"role": "viewer"}),
        ),
    );
    let b = send(
        &app,
        patch(
            &format!("/api/v1/users/{}", first.user_id),
            Some(&second_access),
            json!({"role": "viewer"}),
        ),
    );
    let (a, b) = futures_util::future::join(a, b).await;
    let statuses = [a.status, b.status];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    let fresh = login(&app, "ada@acme.example", PASSWORD).await;
    let fresh2 = login(&app, "second@acme.example", PASSWORD).await;
    let roles = [
        fresh.body["user"]["role"].clone(),
        fresh2.body["user"]["role"].clone(),
    ];
    assert_eq!(
        roles.iter().filter(|r| **r == "admin").count(),
        1,
        "{roles:?}"
    );
}

async fn other_organizations_members_are_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let reply = send(
        &app,
        patch(
            &format!("/api/v1/users/{}", b.user_id),
            Some(&a.access),
            json!({"is_active": false}),
        ),
    )
    .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert_eq!(
        send(&app, get("/api/v1/auth/me", Some(&b.access)))
            .await
            .status,
        StatusCode::OK,
        "B untouched"
    );
    let users = send(&app, get("/api/v1/users", Some(&a.access))).await;
    assert!(
        users.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["organization_id"] == a.org_id.as_str())
    );
}

/// Every administration endpoint refuses the role just below its least role.
async fn role_just_below_gets_403(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let soc_lead = access_of(&add_member(&app, &admin, "lead@acme.example", "soc_lead").await);
    let analyst = access_of(&add_member(&app, &admin, "analyst@acme.example", "analyst").await);
    let invitation = send(
        &app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": "x@acme.example", "role": "viewer"}),
        ),
    )
    .await;
    let inv = invitation.body["id"].as_str().unwrap().to_owned();
    let cases = vec![
        (
            "POST /invitations",
            post(
                "/api/v1/invitations",
                Some(&soc_lead),
                json!({"email": "y@acme.example", "role": "viewer"}),
            ),
        ),
        (
            "GET /invitations",
            get("/api/v1/invitations", Some(&soc_lead)),
        ),
        (
            "DELETE /invitations/{id}",
            delete(&format!("/api/v1/invitations/{inv}"), Some(&soc_lead)),
        ),
        (
            "POST /invitations/{id}/resend",
            post_empty(
                &format!("/api/v1/invitations/{inv}/resend"),
                Some(&soc_lead),
            ),
        ),
        (
            "PATCH /users/{id}",
            patch(
                &format!("/api/v1/users/{}", admin.user_id),
                Some(&soc_lead),
                json!({"role": "viewer"}),
            ),
        ),
        (
            "PATCH /organization",
            patch(
                "/api/v1/organization",
                Some(&soc_lead),
                json!({"name": "Hijacked"}),
            ),
        ),
        ("GET /users", get("/api/v1/users", Some(&analyst))),
    ];
    for (name, req) in cases {
        let reply = send(&app, req).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{name}"
        );
    }
    // Nothing changed: the invitation is still pending and the admin still admin.
    let listed = send(&app, get("/api/v1/invitations", Some(&admin.access))).await;
    let items = listed.body["items"].as_array().unwrap();
    let still = items.iter().find(|i| i["id"] == inv.as_str()).unwrap();
    assert_eq!(still["status"], "pending");
    assert_eq!(
        items.len(),
        3,
        "two accepted invitations and the pending one, no new one"
    );
    assert_eq!(
        send(&app, get("/api/v1/users", Some(&soc_lead)))
            .await
            .status,
        StatusCode::OK
    );
}

on_both_backends!(
    list_and_change_roles,
    deactivation_ends_sessions_and_sign_in,
    the_last_admin_stays,
    two_admins_demoting_each_other_at_once_leave_one,
    other_organizations_members_are_not_found,
    role_just_below_gets_403,
);
