//! Containment policies acting on incidents, manual actions and the action log; both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn default_policy_blocks_high_risk_sources_once(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let policies = send(&app, get("/api/v1/containment-policies", Some(&a.access))).await;
    let default = &policies.body["items"][0];
    assert_eq!(policies.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(default["action"], "block_ip");
    assert_eq!(default["min_event_count"], 10);
    assert_eq!(default["action_params"], json!({"duration_seconds": 3600}));

    // Six events: an incident, but risk 0.66 < 0.8: no action.
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    let incident = opened.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        send(&app, get("/api/v1/actions", Some(&a.access)))
            .await
            .body["items"],
        json!([])
    );
    // Twenty-five events: risk 0.85 and 25 events: the policy acts.
    send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 19),
        ),
    )
    .await;
    let actions = send(&app, get("/api/v1/actions", Some(&a.access))).await;
    let items = actions.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{:?}", actions.body);
    assert_eq!(items[0]["action"], "block_ip");
    assert_eq!(items[0]["status"], "recorded");
    assert_eq!(items[0]["executor"], "record");
    assert_eq!(items[0]["incident_id"], incident.as_str());
    assert_eq!(items[0]["policy_id"], default["id"]);
    assert!(items[0]["created_by"].is_null());
    // It grows again: the policy does not act twice on one incident.
    send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 5),
        ),
    )
    .await;
    assert_eq!(
        send(&app, get("/api/v1/actions", Some(&a.access)))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let detail = send(
        &app,
        get(&format!("/api/v1/incidents/{incident}"), Some(&a.access)),
    )
    .await;
    assert_eq!(detail.body["actions"].as_array().unwrap().len(), 1);
}

async fn manual_actions(backend: Backend) {
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
        "/api/v1/incidents/{}/actions",
        opened.body["incidents_opened"][0].as_str().unwrap()
    );
    let done = send(
        &app,
        post(
            &path,
            Some(&a.access),
            json!({"action": "notify", "params": {"channel": "soc"}}),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::CREATED, "{:?}", done.body);
    assert_eq!(done.body["created_by"], a.user_id.as_str());
    assert_eq!(done.body["params"], json!({"channel": "soc"}));
    let bad = send(
        &app,
        post(&path, Some(&a.access), json!({"action": "nuke"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let analyst = access_of(&add_member(&app, &a, "an@acme.example", "analyst").await);
    let below = send(
        &app,
        post(&path, Some(&analyst), json!({"action": "notify"})),
    )
    .await;
    assert_eq!(
        (below.status, below.code()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let foreign = send(
        &app,
        post(&path, Some(&b.access), json!({"action": "block_ip"})),
    )
    .await;
    assert_eq!(
        (foreign.status, foreign.code()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    assert_eq!(
        send(&app, get("/api/v1/actions", Some(&b.access)))
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(
        send(&app, get("/api/v1/actions", Some(&a.access)))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn policy_crud(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let body = json!({"name": "Isolate scanners", "min_risk_score": 0.5, "min_event_count": 20,
        "action": "isolate_host", "action_params": {"mode": "full"}, "priority": 200});
    let created = send(
        &app,
        post(
            "/api/v1/containment-policies",
            Some(&a.access),
            body.clone(),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["enabled"], true);
    let path = format!(
        "/api/v1/containment-policies/{}",
        created.body["id"].as_str().unwrap()
    );
    let dup = send(
        &app,
        post("/api/v1/containment-policies", Some(&a.access), body),
    )
    .await;
    assert_eq!(
        (dup.status, dup.code()),
        (StatusCode::CONFLICT, "policy_exists")
    );
    let invalid = send(&app, post("/api/v1/containment-policies", Some(&a.access), json!({"name": "x", "min_risk_score": 2.0, "min_event_count": -1, "action": "block_ip"}))).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let listed = send(&app, get("/api/v1/containment-policies", Some(&a.access))).await;
    assert_eq!(
        listed.body["items"][0]["name"], "Isolate scanners",
        "highest priority first"
    );
    let patched = send(
        &app,
        patch(
            &path,
            Some(&a.access),
            json!({"enabled": false, "min_risk_score": 0.9}),
        ),
    )
    .await;
    assert_eq!(
        (
            patched.body["enabled"].clone(),
            patched.body["min_risk_score"].clone()
        ),
        (json!(false), json!(0.9))
    );
    assert_eq!(
        send(&app, get(&path, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            patch(&path, Some(&b.access), json!({"enabled": true}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, delete(&path, Some(&b.access))).await.status,
        StatusCode::NOT_FOUND
    );
    let analyst = access_of(&add_member(&app, &a, "an@acme.example", "analyst").await);
    for req in [
        patch(&path, Some(&analyst), json!({"enabled": true})),
        delete(&path, Some(&analyst)),
        post(
            "/api/v1/containment-policies",
            Some(&analyst),
            json!({"name": "n", "min_risk_score": 0.1, "min_event_count": 1, "action": "notify"}),
        ),
    ] {
        assert_eq!(send(&app, req).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.body["enabled"],
        false
    );
    assert_eq!(
        send(&app, delete(&path, Some(&a.access))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, get(&path, Some(&a.access))).await.status,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(
    default_policy_blocks_high_risk_sources_once,
    manual_actions,
    policy_crud,
    incident_changes_and_actions_are_audited,
);

fn entries(reply: &Reply) -> Vec<serde_json::Value> {
    reply.body["items"].as_array().unwrap().clone()
}

/// Every change to an incident and every action, by a policy or by hand, is in the audit log,
/// with who did it.
async fn incident_changes_and_actions_are_audited(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let opened = send(
        &app,
        post(
            "/api/v1/events",
            Some(&a.access),
            failed_logins("203.0.113.7", 25),
        ),
    )
    .await;
    let incident = opened.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned();
    // The default policy acted on 25 events: one entry, no user as actor, the policy named.
    let by_policy = send(
        &app,
        get("/api/v1/audit-logs?action=action.executed", Some(&a.access)),
    )
    .await;
    let by_policy = entries(&by_policy);
    assert_eq!(by_policy.len(), 1, "{by_policy:?}");
    assert!(by_policy[0]["actor_id"].is_null());
    assert_eq!(by_policy[0]["details"]["incident_id"], incident.as_str());
    assert_eq!(by_policy[0]["details"]["action"], "block_ip");
    assert!(by_policy[0]["details"]["policy_id"].is_string());
    // A manual action: the caller is the actor.
    let manual = send(
        &app,
        post(
            &format!("/api/v1/incidents/{incident}/actions"),
            Some(&a.access),
            json!({"action": "notify", "params": {"channel": "soc"}}),
        ),
    )
    .await;
    assert_eq!(manual.status, StatusCode::CREATED, "{:?}", manual.body);
    let actions = send(
        &app,
        get("/api/v1/audit-logs?action=action.executed", Some(&a.access)),
    )
    .await;
    let actions = entries(&actions);
    assert_eq!(actions.len(), 2);
    let newest = &actions[0];
    assert_eq!(newest["actor_id"], a.user_id.as_str());
    assert_eq!(newest["resource_id"], manual.body["id"]);
    assert!(newest["details"]["policy_id"].is_null());
    // A status change, an assignee and a note: one incident.updated, in the same change.
    let changed = send(
        &app,
        patch(
            &format!("/api/v1/incidents/{incident}"),
            Some(&a.access),
            json!({"status": "contained", "assignee_id": a.user_id, "note": "on it"}),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let updated = send(
        &app,
        get(
            "/api/v1/audit-logs?action=incident.updated",
            Some(&a.access),
        ),
    )
    .await;
    let updated = entries(&updated);
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["resource_id"], incident.as_str());
    assert_eq!(updated[0]["actor_id"], a.user_id.as_str());
    assert_eq!(
        updated[0]["details"]["status"],
        json!({"from": "open", "to": "contained"})
    );
    assert_eq!(updated[0]["details"]["note_changed"], true);
    // A refused change writes nothing.
    let refused = send(
        &app,
        patch(
            &format!("/api/v1/incidents/{incident}"),
            Some(&a.access),
            json!({"status": "open"}),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let after = send(
        &app,
        get(
            "/api/v1/audit-logs?action=incident.updated",
            Some(&a.access),
        ),
    )
    .await;
    assert_eq!(entries(&after).len(), 1);
}
