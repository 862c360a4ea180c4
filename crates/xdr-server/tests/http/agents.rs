//! `/api/v1/agents`: an agent's life through the real app: enrollment and its retry,
//! heartbeats and the status users see, secret rotation and unenrollment, and their audit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use crate::common::agents::*;
use crate::common::*;
use actix_web::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use xdr_domain::{Clock, ManualClock};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[track_caller]
fn assert_recent(v: &Value, what: &str) {
    let at: DateTime<Utc> = v.as_str().unwrap().parse().unwrap();
    assert!((Utc::now() - at).num_seconds().abs() <= 5, "{what}: {at}");
}

async fn enrollment_issues_an_identity_and_a_retry_reissues_it(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let token = mint_token(&t, &a.org_id, 1);
    let instance = new_instance_id();
    let first = enroll_reply(&app, enroll_body(&token, &instance, "web-1")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(
        keys(&first.body),
        [
            "agent_id",
            "agent_secret",
            "heartbeat_interval_seconds",
            "server_time"
        ]
    );
    let agent_id = first.body["agent_id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(agent_id).is_ok());
    let first_secret = first.body["agent_secret"].as_str().unwrap();
    assert!(is_agent_secret(first_secret), "{first_secret}");
    assert_eq!(first.body["heartbeat_interval_seconds"], 30);
    assert_recent(&first.body["server_time"], "server_time");

    // The answer was lost: the same token and instance id get the same agent, a new secret,
    // and spend no use of the one-use token.
    let retry = enroll_reply(&app, enroll_body(&token, &instance, "web-1")).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{:?}", retry.body);
    assert_eq!(retry.body["agent_id"], agent_id);
    let secret = retry.body["agent_secret"].as_str().unwrap();
    assert!(is_agent_secret(secret));
    assert_ne!(secret, first_secret);
    // ...so the token's one use is spent by the first enrollment only: another instance is
    // refused.
    let other = enroll_reply(&app, enroll_body(&token, &new_instance_id(), "web-2")).await;
    assert_eq!(
        (other.status, other.code()),
        (StatusCode::UNAUTHORIZED, "invalid_enrollment_token")
    );

    let list = send(&app, get(AGENTS, Some(&a.access))).await;
    assert_eq!(list.status, StatusCode::OK, "{:?}", list.body);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(list.body["next_cursor"].is_null());
    let view = &items[0];
    assert_eq!(
        keys(view),
        [
            "agent_version",
            "buffered_events",
            "dropped_events",
            "enrolled_at",
            "enrollment_token_id",
            "hostname",
            "id",
            "instance_id",
            "ip_address",
            "last_seen_at",
            "os_version",
            "platform",
            "status"
        ]
    );
    assert_eq!(view["id"], agent_id);
    assert_eq!(view["instance_id"], instance.as_str());
    assert_eq!(
        (&view["hostname"], &view["platform"], &view["status"]),
        (&json!("web-1"), &json!("linux"), &json!("pending"))
    );
    let facts = json!([
        view["os_version"],
        view["ip_address"],
        view["agent_version"]
    ]);
    assert_eq!(facts, json!(["Ubuntu 24.04", "192.0.2.10", "0.1.0"]));
    assert!(view["last_seen_at"].is_null());
    assert!(uuid::Uuid::parse_str(view["enrollment_token_id"].as_str().unwrap()).is_ok());
    assert_eq!(
        (&view["buffered_events"], &view["dropped_events"]),
        (&json!(0), &json!(0))
    );
    assert_recent(&view["enrolled_at"], "enrolled_at");

    let agent = Agent {
        id: agent_id.to_owned(),
        secret: secret.to_owned(),
        instance_id: instance,
        hostname: "web-1".into(),
    };
    // The first answer never reached the agent: that secret is replaced, not kept.
    let lost = Agent {
        secret: first_secret.to_owned(),
        ..agent.clone()
    };
    let r = send(&app, heartbeat(&lost).request()).await;
    assert_invalid_signature(&r, "the secret of the lost answer");
    let beat = send(&app, heartbeat(&agent).request()).await;
    assert_eq!(
        beat.status,
        StatusCode::OK,
        "the reissued secret: {:?}",
        beat.body
    );

    let enrolled = audit_of(&app, &a.access, "agent.enrolled").await;
    let kinds: Vec<&Value> = enrolled
        .iter()
        .map(|e| &e["details"]["enrollment"])
        .collect();
    assert_eq!(kinds, [&json!("reissued"), &json!("created")]);
    for e in &enrolled {
        assert_eq!(
            (&e["resource_type"], &e["resource_id"], &e["actor_id"]),
            (&json!("agent"), &json!(agent_id), &Value::Null)
        );
    }
}

async fn a_heartbeat_makes_a_pending_agent_active(backend: Backend) {
    let t = TestApp::new(backend);
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let agent = new_agent(&t, &app, &a.org_id, "web-1").await;
    let listed = |status: &'static str| {
        let path = format!("{AGENTS}?status={status}");
        let app = &app;
        let access = a.access.clone();
        async move {
            let r = send(app, get(&path, Some(&access))).await;
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
            let items = r.body["items"].as_array().unwrap().clone();
            items
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("pending").await, [agent.id.as_str()]);
    assert!(listed("active").await.is_empty());

    let body = json!({"status": "degraded", "metrics": {"cpu": 0.5, "queue": 3},
                      "buffered_events": 12, "dropped_events": 2,
                      "instance_id": agent.instance_id});
    let beat = send(&app, signed(&agent, HEARTBEAT, &body).request()).await;
    assert_eq!(beat.status, StatusCode::OK, "{:?}", beat.body);
    assert_eq!(
        keys(&beat.body),
        ["heartbeat_interval_seconds", "server_time"]
    );
    assert_eq!(beat.body["heartbeat_interval_seconds"], 30);
    assert_recent(&beat.body["server_time"], "server_time");

    let view = agent_view(&app, &a.access, &agent.id).await;
    assert_eq!(view.status, StatusCode::OK, "{:?}", view.body);
    assert_eq!(view.body["status"], "active");
    assert_recent(&view.body["last_seen_at"], "last_seen_at");
    assert_eq!(
        (&view.body["buffered_events"], &view.body["dropped_events"]),
        (&json!(12), &json!(2))
    );
    assert_eq!(listed("active").await, [agent.id.as_str()]);
    assert!(listed("pending").await.is_empty());

    let bad = send(
        &app,
        get(&format!("{AGENTS}?status=sleeping"), Some(&a.access)),
    )
    .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let bad_beat = send(
        &app,
        signed(
            &agent,
            HEARTBEAT,
            &json!({"status": "asleep", "buffered_events": -1}),
        )
        .request(),
    )
    .await;
    assert_eq!(
        (bad_beat.status, bad_beat.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let fields = bad_beat.body["error"]["fields"].as_object().unwrap();
    assert_eq!(
        fields.keys().collect::<Vec<_>>(),
        ["buffered_events", "status"]
    );
}

/// Rotation answers a new secret, the old one keeps working for five minutes; unenrolling
/// ends the identity; each is audited.
async fn rotation_overlaps_and_unenrollment_ends_the_identity(backend: Backend) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let t = TestApp::with_clock(backend, clock.clone());
    let app = t.service().await;
    let a = register(&app, "Acme", "ada@acme.example").await;
    let old = new_agent(&t, &app, &a.org_id, "web-1").await;
    let now = || clock.now().timestamp();

    let rotated = send(
        &app,
        signed(&old, ROTATE, &json!({}))
            .raw_body(b"")
            .at(now())
            .request(),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{:?}", rotated.body);
    assert_eq!(keys(&rotated.body), ["agent_secret"]);
    let secret = rotated.body["agent_secret"].as_str().unwrap();
    assert!(is_agent_secret(secret));
    assert_ne!(secret, old.secret);
    let new = Agent {
        secret: secret.to_owned(),
        ..old.clone()
    };
    for (who, agent) in [("new secret", &new), ("old secret, in the overlap", &old)] {
        let r = send(&app, heartbeat(agent).at(now()).request()).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {:?}", r.body);
    }
    clock.advance(Duration::seconds(301));
    let r = send(&app, heartbeat(&old).at(now()).request()).await;
    assert_invalid_signature_near(&r, "old secret after the overlap", now());
    let r = send(&app, heartbeat(&new).at(now()).request()).await;
    assert_eq!(r.status, StatusCode::OK, "new secret: {:?}", r.body);

    let gone = send(&app, signed(&new, UNENROLL, &json!({})).at(now()).request()).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{:?}", gone.body);
    assert_eq!(gone.body, Value::Null);
    for (path, body) in [
        (HEARTBEAT, json!({"status": "ok"})),
        (EVENTS, failed_logins("203.0.113.7", 1)),
        (ROTATE, json!({})),
        (UNENROLL, json!({})),
    ] {
        let r = send(&app, signed(&new, path, &body).at(now()).request()).await;
        assert_invalid_signature_near(&r, &format!("{path} after unenrolling"), now());
    }
    assert!(events_of(&app, &a.access).await.is_empty());
    let view = agent_view(&app, &a.access, &new.id).await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.body["status"], "unenrolled");

    for action in ["agent.enrolled", "agent.secret_rotated", "agent.unenrolled"] {
        let entries = audit_of(&app, &a.access, action).await;
        assert_eq!(entries.len(), 1, "{action}: {entries:?}");
        assert_eq!(
            (&entries[0]["resource_type"], &entries[0]["resource_id"]),
            (&json!("agent"), &json!(new.id)),
            "{action}"
        );
        assert!(entries[0]["actor_id"].is_null(), "{action}");
        assert_eq!(entries[0]["success"], true, "{action}");
    }
    let verified = send(&app, get("/api/v1/audit-logs/verify", Some(&a.access))).await;
    assert_eq!(verified.body["valid"], true, "{:?}", verified.body);
}

on_both_backends!(
    enrollment_issues_an_identity_and_a_retry_reissues_it,
    a_heartbeat_makes_a_pending_agent_active,
    rotation_overlaps_and_unenrollment_ends_the_identity,
);
