//! Two real `mini-xdr serve` processes on one database and one data directory (the keys): a
//! webhook delivery is sent by exactly one of them, and the deliveries of a killed instance are
//! made by the other once their claim has run out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use xdr_persistence::test_support::TestDatabase;

use crate::binary_server::{Server, call, command, temp_dir};
use crate::common::receiver::{Receiver, Step};
use crate::common::{Backend, failed_logins, register_body, test_database};

const DELIVERY: &str = "x-minixdr-delivery";
const WAIT: Duration = Duration::from_secs(60);

/// One instance on `dir` (and `db` when PostgreSQL) that sweeps every second, sends each
/// delivery once (no retries) with a 5 s timeout, and claims for that plus `margin` seconds.
fn instance(dir: &Path, db: Option<&TestDatabase>, concurrency: &str, margin: &str) -> Server {
    let mut cmd = command(dir);
    if let Some(db) = db {
        cmd.env("MINI_XDR__DATABASE__URL", db.url());
    }
    cmd.env("MINI_XDR__WEBHOOKS__ALLOW_HTTP", "true")
        .env("MINI_XDR__WEBHOOKS__ALLOW_PRIVATE_NETWORKS", "true")
        .env("MINI_XDR__WEBHOOKS__MAX_ATTEMPTS", "1")
        .env("MINI_XDR__WEBHOOKS__TIMEOUT_SECONDS", "5")
        .env("MINI_XDR__WEBHOOKS__CONCURRENCY", concurrency)
        .env("MINI_XDR__WEBHOOKS__SWEEP_INTERVAL_SECONDS", "1")
        .env("MINI_XDR__WEBHOOKS__CLAIM_MARGIN_SECONDS", margin);
    Server::start(cmd)
}

/// Registers an organization on `server`, points its webhook at `receiver` and opens an
/// incident: the admin's access token and the incident id.
fn organization(server: &Server, receiver: &Receiver) -> (String, String) {
    let body = register_body("Acme", "ada@acme.example").to_string();
    let (status, answer) = server.request("POST", "/api/v1/auth/register", Some(&body));
    assert_eq!(status, 201, "{answer}");
    let token = serde_json::from_str::<Value>(&answer).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = json!({ "url": receiver.url });
    call(
        server,
        &token,
        "PUT",
        "/api/v1/integrations/webhook",
        Some(url),
    );
    let events = failed_logins("203.0.113.7", 6);
    let ingested = call(server, &token, "POST", "/api/v1/events", Some(events));
    let incident = ingested["incidents_opened"][0].as_str().unwrap().to_owned();
    (token, incident)
}

/// A manual `notify` on `incident`, taken through `server`: its id.
fn act(server: &Server, token: &str, incident: &str) -> String {
    let path = format!("/api/v1/incidents/{incident}/actions");
    let body = json!({"action": "notify", "params": {"channel": "soc"}});
    let action = call(server, token, "POST", &path, Some(body));
    assert_eq!(action["status"], "pending", "{action}");
    action["id"].as_str().unwrap().to_owned()
}

/// Every action's status, as `server` lists them.
fn statuses(server: &Server, token: &str) -> BTreeMap<String, String> {
    let (status, answer) = server.request_as("GET", "/api/v1/actions", None, Some(token));
    assert_eq!(status, 200, "{answer}");
    let listed: Value = serde_json::from_str(&answer).unwrap();
    listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let field = |name: &str| a[name].as_str().unwrap_or_default().to_owned();
            (field("id"), field("status"))
        })
        .collect()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn delivery_ids(receiver: &Receiver) -> Vec<String> {
    receiver
        .received()
        .iter()
        .map(|r| r.headers[DELIVERY].clone())
        .collect()
}

/// Deliveries queued on A one at a time, each taking 2 s at the receiver, wait longer than a
/// sweep interval: both instances' sweeps find them and queue them, and only the claimant
/// sends. Without the claim each would go out two or three times.
fn each_delivery_is_sent_once(backend: Backend) {
    let dir = temp_dir("claims-once");
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let receiver = Receiver::start(&[Step::Stall(Duration::from_secs(2))]);
    let a = instance(&dir, db.as_ref(), "1", "1");
    let b = instance(&dir, db.as_ref(), "1", "1");
    let (token, incident) = organization(&a, &receiver);
    let actions: Vec<String> = (0..4).map(|_| act(&a, &token, &incident)).collect();
    wait_until("every action delivered", || {
        let now = statuses(&b, &token);
        actions.iter().all(|id| now[id] == "succeeded")
    });
    // Three more sweeps of each instance: a second copy would have gone out by now.
    std::thread::sleep(Duration::from_secs(3));
    let mut sent = delivery_ids(&receiver);
    sent.sort();
    let mut unique = sent.clone();
    unique.dedup();
    assert_eq!(sent, unique, "a delivery was sent twice");
    assert_eq!(sent.len(), actions.len());
    a.terminate();
    b.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A is killed while its delivery waits on the receiver: the action stays pending under A's
/// claim, and B sends it (the same delivery id: receivers deduplicate by it) once the claim
/// has run out, not before.
fn a_dead_instances_delivery_is_made_by_another(backend: Backend) {
    let dir = temp_dir("claims-dead");
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let receiver = Receiver::start(&[Step::Stall(Duration::from_secs(30)), Step::Status(200)]);
    let a = instance(&dir, db.as_ref(), "4", "10");
    let (token, incident) = organization(&a, &receiver);
    let id = act(&a, &token, &incident);
    wait_until("A's request received", || !receiver.received().is_empty());
    a.signal("KILL");
    let killed = Instant::now();
    let b = instance(&dir, db.as_ref(), "4", "10");
    let started = killed.elapsed();
    wait_until("B's delivery", || statuses(&b, &token)[&id] == "succeeded");
    // The claim (5 s timeout + 10 s margin) held B off until it ran out.
    let delivered = killed.elapsed();
    assert!(
        delivered >= Duration::from_secs(13),
        "B started after {started:?} and delivered after {delivered:?}"
    );
    let sent = delivery_ids(&receiver);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0], sent[1]);
    b.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

on_both_backends_sync!(
    each_delivery_is_sent_once,
    a_dead_instances_delivery_is_made_by_another,
);
