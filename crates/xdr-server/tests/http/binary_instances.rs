//! Several instances, one database (issue 17 item 7): two real `mini-xdr serve` processes on one
//! data directory (the keys) and one database share the account lockout, refresh-token reuse
//! detection, logout and the agents' nonces, through HTTP only, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{Value, json};

use crate::binary_server::Server;
use crate::common::agents::{HEARTBEAT, fresh_nonce, signature};
use crate::common::{Backend, PASSWORD};

mod harness;
use harness::{Instances, field, login, me, post, refresh, register, send};

/// How long another instance may take to notice a logout: ten times the cache TTL we set.
const LOGOUT_WAIT: Duration = Duration::from_secs(10);

/// Five failed sign-ins, alternating A and B, lock the account on both: neither instance saw
/// more than three, so a count kept per instance would lock nothing.
fn failed_logins_on_both_instances_add_up(backend: Backend) {
    let c = Instances::start(backend, "instances-lockout");
    register(&c.a);
    // B knows the account (and a success clears the failures, so this comes first).
    assert_eq!(login(&c.b, PASSWORD).status, 200, "the right password on B");
    for (i, server) in [&c.a, &c.b, &c.a, &c.b, &c.a].into_iter().enumerate() {
        let wrong = login(server, &format!("wrong password number {i}"));
        wrong.expect(401, "invalid_credentials", &format!("failure {}", i + 1));
    }
    for (name, server) in [("B", &c.b), ("A", &c.a)] {
        let locked = login(server, PASSWORD);
        locked.expect(
            423,
            "account_locked",
            &format!("the right password on {name}"),
        );
        let retry: u64 = locked.header("Retry-After").unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "Retry-After {retry} on {name}");
    }
    c.stop();
}

/// A refresh token rotated on A and presented again to B is a reuse: refused, and the session
/// is revoked, so the token A issued in the rotation is refused too, on both instances.
fn a_token_rotated_on_one_instance_is_reuse_on_the_other(backend: Backend) {
    let c = Instances::start(backend, "instances-refresh");
    register(&c.a);
    // Positive control: B accepts (and rotates) a refresh token A issued.
    let other = login(&c.a, PASSWORD);
    assert_eq!(other.status, 200, "{}", other.body);
    let rotated_on_b = refresh(&c.b, &field(&other, "refresh_token"));
    assert_eq!(rotated_on_b.status, 200, "{}", rotated_on_b.body);

    let session = login(&c.a, PASSWORD);
    assert_eq!(session.status, 200, "{}", session.body);
    let old = field(&session, "refresh_token");
    let rotated = refresh(&c.a, &old);
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new = field(&rotated, "refresh_token");
    assert_ne!(new, old);
    refresh(&c.b, &old).expect(401, "unauthorized", "the rotated token on B");
    refresh(&c.a, &new).expect(401, "unauthorized", "the new token on A after the reuse");
    refresh(&c.b, &new).expect(401, "unauthorized", "the new token on B after the reuse");
    // The other session is untouched by this one's revocation.
    let again = refresh(&c.a, &field(&rotated_on_b, "refresh_token"));
    assert_eq!(again.status, 200, "{}", again.body);
    c.stop();
}

/// A logout on A ends the session on B too, within B's session cache TTL (1 s here): polled,
/// at most `LOGOUT_WAIT`. A refuses the token at once.
fn a_logout_on_one_instance_ends_the_session_on_the_other(backend: Backend) {
    let c = Instances::start(backend, "instances-logout");
    let access = field(&register(&c.a), "access_token");
    // B has checked (and cached) the session before the logout.
    assert_eq!(me(&c.b, &access).status, 200, "the token on B");
    let out = post(&c.a, "/api/v1/auth/logout", &Value::Null, Some(&access));
    assert_eq!(out.status, 204, "{}", out.body);
    me(&c.a, &access).expect(401, "unauthorized", "the token on A after the logout");
    let logged_out = Instant::now();
    loop {
        let answer = me(&c.b, &access);
        if answer.status != 200 {
            answer.expect(401, "unauthorized", "the token on B after the logout");
            break;
        }
        let waited = logged_out.elapsed();
        assert!(
            waited < LOGOUT_WAIT,
            "B still accepts the token after {waited:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    c.stop();
}

/// A signed heartbeat accepted by A and replayed byte for byte to B is refused there (the
/// nonces are in the database); the same request with a fresh nonce is accepted by B.
fn a_nonce_seen_by_one_instance_is_refused_by_the_other(backend: Backend) {
    let c = Instances::start(backend, "instances-nonce");
    let admin = field(&register(&c.a), "access_token");
    let started = post(&c.a, "/api/v1/onboarding/start", &Value::Null, Some(&admin));
    assert_eq!(started.status, 200, "{}", started.body);
    let issued = post(
        &c.a,
        "/api/v1/onboarding/generate-agent-token",
        &json!({"platform": "linux"}),
        Some(&admin),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    let enroll = json!({"enrollment_token": field(&issued, "token"),
                        "instance_id": uuid::Uuid::new_v4().to_string(),
                        "hostname": "web-1", "platform": "linux"});
    let enrolled = post(&c.a, "/api/v1/agents/enroll", &enroll, None);
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let (agent, secret) = (
        field(&enrolled, "agent_id"),
        field(&enrolled, "agent_secret"),
    );

    let body = json!({"status": "ok"}).to_string();
    let heartbeat = |server: &Server, timestamp: &str, nonce: &str| {
        let sig = signature(
            &secret,
            "POST",
            HEARTBEAT,
            timestamp,
            nonce,
            body.as_bytes(),
        );
        let headers = [
            ("X-Agent-Id", agent.as_str()),
            ("X-Timestamp", timestamp),
            ("X-Nonce", nonce),
            ("X-Signature", sig.as_str()),
        ];
        send(server, "POST", HEARTBEAT, &body, &headers)
    };
    let (timestamp, nonce) = (Utc::now().timestamp().to_string(), fresh_nonce());
    let first = heartbeat(&c.a, &timestamp, &nonce);
    assert_eq!(
        first.status, 200,
        "the signed heartbeat on A: {}",
        first.body
    );
    let replayed = heartbeat(&c.b, &timestamp, &nonce);
    replayed.expect(401, "invalid_signature", "the replay on B");
    assert!(
        replayed.header("X-Server-Time").is_some(),
        "a 401 carries X-Server-Time"
    );
    // The same request with another nonce (same timestamp and body) is accepted by B.
    let fresh = heartbeat(&c.b, &timestamp, &fresh_nonce());
    assert_eq!(fresh.status, 200, "a fresh nonce on B: {}", fresh.body);
    c.stop();
}

on_both_backends_sync!(
    failed_logins_on_both_instances_add_up,
    a_token_rotated_on_one_instance_is_reuse_on_the_other,
    a_logout_on_one_instance_ends_the_session_on_the_other,
    a_nonce_seen_by_one_instance_is_refused_by_the_other,
);
