//! Who may do what with agents: user tokens and agent signatures stay on their own routes,
//! only an admin revokes, another organization's agents do not exist, and a cloned agent is
//! refused while the original keeps working.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::agents::*;
use crate::common::*;
use actix_web::http::StatusCode;
use serde_json::json;

#[track_caller]
fn assert_ok(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{what}: {:?}", reply.body);
}

async fn user_tokens_and_agent_signatures_stay_on_their_own_routes(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;

    for (path, body) in [
        (HEARTBEAT, json!({"status": "ok"})),
        (EVENTS, failed_logins("203.0.113.7", 1)),
        (ROTATE, json!({})),
        (UNENROLL, json!({})),
    ] {
        let r = send(&app, post(path, Some(&a.access), body)).await;
        assert_invalid_signature(&r, &format!("a bearer token on {path}"));
    }
    assert!(events_of(&app, &a.access).await.is_empty());

    let unauthorized = |r: &Reply, what: &str| {
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{what}: {:?}",
            r.body
        );
    };
    let list = signed(&agent, AGENTS, &json!({}))
        .method("GET")
        .raw_body(b"");
    unauthorized(&send(&app, list.request()).await, "GET /agents signed");
    let one = signed(&agent, &format!("{AGENTS}/{}", agent.id), &json!({}))
        .method("GET")
        .raw_body(b"");
    unauthorized(&send(&app, one.request()).await, "GET /agents/{id} signed");
    let revoke = signed(&agent, &format!("{AGENTS}/{}", agent.id), &json!({}))
        .method("DELETE")
        .raw_body(b"");
    unauthorized(
        &send(&app, revoke.request()).await,
        "DELETE /agents/{id} signed",
    );
    let ingest = signed(&agent, "/api/v1/events", &failed_logins("203.0.113.7", 1));
    unauthorized(&send(&app, ingest.request()).await, "POST /events signed");
    assert!(events_of(&app, &a.access).await.is_empty());
    // The agent's signature is all it has; nothing above revoked it.
    assert_ok(&send(&app, heartbeat(&agent).request()).await, "heartbeat");
}

async fn only_an_admin_revokes_an_agent(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let path = format!("{AGENTS}/{}", agent.id);
    let viewer = access_of(&add_member(&app, &a, "vic@acme.example", "viewer").await);
    let analyst = access_of(&add_member(&app, &a, "ann@acme.example", "analyst").await);
    let lead = access_of(&add_member(&app, &a, "lee@acme.example", "soc_lead").await);

    let seen = agent_view(&app, &viewer, &agent.id).await;
    assert_ok(&seen, "a viewer reads");
    assert_eq!(seen.body["status"], "pending");
    for (role, access) in [
        ("viewer", &viewer),
        ("analyst", &analyst),
        ("soc_lead", &lead),
    ] {
        let r = send(&app, delete(&path, Some(access))).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{role}: {:?}",
            r.body
        );
    }
    assert_ok(
        &send(&app, heartbeat(&agent).request()).await,
        "not revoked",
    );

    let r = send(&app, delete(&path, Some(&a.access))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = send(&app, heartbeat(&agent).request()).await;
    assert_invalid_signature(&r, "a revoked agent's heartbeat");
    let r = send(
        &app,
        signed(&agent, EVENTS, &failed_logins("203.0.113.7", 1)).request(),
    )
    .await;
    assert_invalid_signature(&r, "a revoked agent's events");
    assert!(events_of(&app, &a.access).await.is_empty());
    let view = agent_view(&app, &a.access, &agent.id).await;
    assert_eq!(view.body["status"], "revoked");

    let entries = audit_of(&app, &a.access, "agent.revoked").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        (&entries[0]["resource_id"], &entries[0]["actor_id"]),
        (&json!(agent.id), &json!(a.user_id))
    );

    let unknown = format!("{AGENTS}/{}", uuid::Uuid::new_v4());
    for r in [
        send(&app, delete(&unknown, Some(&a.access))).await,
        send(&app, get(&unknown, Some(&a.access))).await,
        send(&app, get(&format!("{AGENTS}/not-a-uuid"), Some(&a.access))).await,
    ] {
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
}

async fn another_organizations_agents_are_not_found(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let b = register(&app, "Globex", "hank@globex.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    assert_ok(&send(&app, heartbeat(&agent).request()).await, "heartbeat");
    let path = format!("{AGENTS}/{}", agent.id);
    let missing = send(
        &app,
        get(
            &format!("{AGENTS}/{}", uuid::Uuid::new_v4()),
            Some(&b.access),
        ),
    )
    .await;
    for (what, r) in [
        ("GET", send(&app, get(&path, Some(&b.access))).await),
        ("DELETE", send(&app, delete(&path, Some(&b.access))).await),
    ] {
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {:?}", r.body);
        assert_eq!(r.body, missing.body, "{what}: as a missing agent");
    }
    let listed = send(&app, get(AGENTS, Some(&b.access))).await;
    assert_eq!(listed.body["items"], json!([]));

    assert_ok(
        &send(&app, heartbeat(&agent).request()).await,
        "still works",
    );
    assert_eq!(
        agent_view(&app, &a.access, &agent.id).await.body["status"],
        "active"
    );
    assert!(audit_of(&app, &a.access, "agent.revoked").await.is_empty());
    assert!(audit_of(&app, &b.access, "agent.revoked").await.is_empty());
}

async fn a_cloned_agent_is_refused_and_the_original_keeps_working(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let own = json!({"status": "ok", "instance_id": agent.instance_id});
    assert_ok(
        &send(&app, signed(&agent, HEARTBEAT, &own).request()).await,
        "original",
    );

    // The same disk image on a second machine: same id and secret, another instance id.
    let clone_id = new_instance_id();
    let cloned = json!({"status": "ok", "instance_id": clone_id, "buffered_events": 99});
    let r = send(&app, signed(&agent, HEARTBEAT, &cloned).request()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", r.body);
    assert_eq!(r.code(), "agent_clone_detected");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("enroll")
    );

    let entries = audit_of(&app, &a.access, "agent.clone_detected").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["resource_id"], agent.id.as_str());
    assert_eq!(
        entries[0]["details"],
        json!({"enrolled_instance_id": agent.instance_id, "reported_instance_id": clone_id})
    );

    assert_ok(
        &send(&app, signed(&agent, HEARTBEAT, &own).request()).await,
        "original again",
    );
    let view = agent_view(&app, &a.access, &agent.id).await;
    assert_eq!(view.body["status"], "active");
    assert_eq!(view.body["instance_id"], agent.instance_id.as_str());
    assert_eq!(
        view.body["buffered_events"], 0,
        "the clone's report is not stored"
    );
}

on_both_backends!(
    user_tokens_and_agent_signatures_stay_on_their_own_routes,
    only_an_admin_revokes_an_agent,
    another_organizations_agents_are_not_found,
    a_cloned_agent_is_refused_and_the_original_keeps_working,
);
