//! Incidents as analysts work them, per-organization rule settings, isolation and roles;
//! both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn incident_lifecycle_and_assignment(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let path = format!(
        "/api/v1/incidents/{}",
        opened.body["incidents_opened"][0].as_str().unwrap()
    );
    let assign = send(
        &app,
        patch(
            &path,
            Some(&a.access),
            json!({"assignee_id": a.user_id, "note": "looking"}),
        ),
    )
    .await;
    assert_eq!(assign.status, StatusCode::OK, "{:?}", assign.body);
    assert_eq!(assign.body["assignee_id"], a.user_id.as_str());
    let foreign = send(
        &app,
        patch(&path, Some(&a.access), json!({"assignee_id": b.user_id})),
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "users of other organizations cannot be assigned"
    );
    let cleared = send(
        &app,
        patch(&path, Some(&a.access), json!({"assignee_id": null})),
    )
    .await;
    assert!(cleared.body["assignee_id"].is_null());
    assert_eq!(cleared.body["note"], "looking");
    let contained = send(
        &app,
        patch(&path, Some(&a.access), json!({"status": "contained"})),
    )
    .await;
    assert_eq!(contained.body["status"], "contained");
    let reopen = send(
        &app,
        patch(&path, Some(&a.access), json!({"status": "open"})),
    )
    .await;
    assert_eq!(
        (reopen.status, reopen.code()),
        (StatusCode::CONFLICT, "invalid_transition")
    );
    assert_eq!(
        send(
            &app,
            patch(&path, Some(&a.access), json!({"status": "resolved"}))
        )
        .await
        .status,
        StatusCode::OK
    );
    let after = send(
        &app,
        patch(&path, Some(&a.access), json!({"status": "dismissed"})),
    )
    .await;
    assert_eq!(after.status, StatusCode::CONFLICT);
    let nonsense = send(
        &app,
        patch(&path, Some(&a.access), json!({"status": "exploded"})),
    )
    .await;
    assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A closed incident no longer blocks a new one for the same rule and source.
    let again = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 1),
        ),
    )
    .await;
    assert_eq!(again.body["incidents_opened"].as_array().unwrap().len(), 1);
}

async fn rules_are_tunable_per_organization(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let rules = send(&app, get("/api/v1/detection-rules", Some(&a.access))).await;
    assert_eq!(rules.body["items"].as_array().unwrap().len(), 3);
    let tuned = send(
        &app,
        patch(
            "/api/v1/detection-rules/ssh_brute_force",
            Some(&a.access),
            json!({"threshold": 3}),
        ),
    )
    .await;
    assert_eq!(
        tuned.body,
        json!({"rule": "ssh_brute_force", "enabled": true, "threshold": 3, "window_seconds": 60})
    );
    let fired = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.9", 3),
        ),
    )
    .await;
    assert_eq!(fired.body["incidents_opened"].as_array().unwrap().len(), 1);
    // Org B keeps the default threshold.
    let b_rule = send(
        &app,
        get("/api/v1/detection-rules/ssh_brute_force", Some(&b.access)),
    )
    .await;
    assert_eq!(b_rule.body["threshold"], 6);
    let quiet = send(
        &app,
        post(
            "/api/v1/events",
            Some(&b.access),
            failed_logins("203.0.113.9", 3),
        ),
    )
    .await;
    assert_eq!(quiet.body["incidents_opened"], json!([]));
    send(
        &app,
        patch(
            "/api/v1/detection-rules/ssh_brute_force",
            Some(&b.access),
            json!({"enabled": false}),
        ),
    )
    .await;
    let off = send(
        &app,
        post(
            "/api/v1/events",
            Some(&b.access),
            failed_logins("203.0.113.9", 10),
        ),
    )
    .await;
    assert_eq!(off.body["incidents_opened"], json!([]));
    assert_eq!(
        send(&app, get("/api/v1/detection-rules/nope", Some(&a.access)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let zero = send(
        &app,
        patch(
            "/api/v1/detection-rules/port_scan",
            Some(&a.access),
            json!({"threshold": 0}),
        ),
    )
    .await;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn organizations_see_only_their_own(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let path = format!(
        "/api/v1/incidents/{}",
        opened.body["incidents_opened"][0].as_str().unwrap()
    );
    assert_eq!(
        send(&app, get(&path, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    let patched = send(
        &app,
        patch(&path, Some(&b.access), json!({"status": "dismissed"})),
    )
    .await;
    assert_eq!(
        (patched.status, patched.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.body["status"],
        "open",
        "A's incident unchanged"
    );
    assert_eq!(
        send(&app, get("/api/v1/incidents", Some(&b.access)))
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(
        send(&app, get("/api/v1/events", Some(&b.access)))
            .await
            .body["items"],
        json!([])
    );
    let dash_b = send(&app, get("/api/v1/dashboard/summary", Some(&b.access))).await;
    assert_eq!(dash_b.body["events_last_24h"], 0);
    let dash_a = send(&app, get("/api/v1/dashboard/summary", Some(&a.access))).await;
    assert_eq!(dash_a.body["events_last_24h"], 6);
    assert_eq!(
        dash_a.body["open_incidents_by_severity"],
        json!({"low": 0, "medium": 1, "high": 0, "critical": 0})
    );
    assert_eq!(
        dash_a.body["top_source_ips"],
        json!([{"ip": "203.0.113.7", "count": 6}])
    );
    // B's events with A's source IP do not touch A's incident.
    send(
        &app,
        post(
            "/api/v1/events",
            Some(&b.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.body["event_count"],
        6
    );
}

async fn roles_below_the_least_role_get_403(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let admin = register(&app, "Acme", "ada@acme.example").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&admin.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let path = format!(
        "/api/v1/incidents/{}",
        opened.body["incidents_opened"][0].as_str().unwrap()
    );
    let viewer = access_of(&add_member(&app, &admin, "v@acme.example", "viewer").await);
    let analyst = access_of(&add_member(&app, &admin, "an@acme.example", "analyst").await);
    let cases = vec![
        (
            "POST /events",
            post("/api/v1/events", Some(&viewer), failed_logins("1.2.3.4", 1)),
        ),
        (
            "PATCH /incidents/{id}",
            patch(&path, Some(&viewer), json!({"status": "dismissed"})),
        ),
        (
            "PATCH /detection-rules/{rule}",
            patch(
                "/api/v1/detection-rules/port_scan",
                Some(&analyst),
                json!({"enabled": false}),
            ),
        ),
    ];
    for (name, req) in cases {
        let reply = send(&app, req).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{name}"
        );
    }
    for read in [
        "/api/v1/events",
        "/api/v1/incidents",
        "/api/v1/detection-rules",
        "/api/v1/dashboard/summary",
    ] {
        assert_eq!(
            send(&app, get(read, Some(&viewer))).await.status,
            StatusCode::OK,
            "{read}"
        );
    }
    assert_eq!(
        send(&app, get(&path, Some(&admin.access))).await.body["status"],
        "open"
    );
}

on_both_backends!(
    incident_lifecycle_and_assignment,
    rules_are_tunable_per_organization,
    organizations_see_only_their_own,
    roles_below_the_least_role_get_403,
);
