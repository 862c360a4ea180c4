#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::oneshot;
use xdr_auth::agent_signature::{SignedRequest, decode_secret, verify};

use crate::run::{RunConfig, run};
use crate::signing::ClockOffset;
use crate::source::SourceKind;
use crate::spool::Spool;
use crate::state::{AgentState, Secret};
use crate::tail::Start;
use crate::testdir::TestDir;
use crate::testserver::{Recorded, Scripted, TestServer};

const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const NEW_SECRET: &str = "HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA";
const HEARTBEAT: &str = "/api/v1/agents/heartbeat";
const EVENTS: &str = "/api/v1/agents/events";

fn heartbeat_ok() -> Scripted {
    let now = chrono::Utc::now().to_rfc3339();
    Scripted::new(
        200,
        &format!(r#"{{"server_time":"{now}","heartbeat_interval_seconds":1}}"#),
    )
}

fn accepted() -> Scripted {
    Scripted::new(
        202,
        r#"{"accepted":1,"duplicate":false,"incidents_opened":[]}"#,
    )
}

fn enroll_state(dir: &Path, url: &str, secret: &str) {
    let mut state = AgentState::load(dir)
        .unwrap()
        .unwrap_or_else(|| AgentState::new(url));
    state.server_url = url.to_owned();
    state.agent_id = Some("agent-1".into());
    state.agent_secret = Some(Secret::new(secret.into()));
    state.heartbeat_interval_seconds = 1;
    state.save(dir).unwrap();
}

fn config(dir: &Path, log: &Path) -> RunConfig {
    let mut c = RunConfig::new(dir.to_owned());
    c.files = vec![(SourceKind::Cowrie, log.to_owned())];
    c.poll_interval = Duration::from_millis(20);
    c.flush_interval = Duration::from_millis(50);
    c.start = Start::Beginning;
    c
}

fn append_cowrie(path: &Path, from: usize, n: usize) {
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for i in from..from + n {
        writeln!(
            f,
            r#"{{"eventid":"cowrie.login.failed","src_ip":"198.51.100.7","username":"u{i}"}}"#
        )
        .unwrap();
    }
}

fn events_of(r: &Recorded) -> (String, Vec<String>) {
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    let users = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["username"].as_str().unwrap().to_owned())
        .collect();
    (v["batch_id"].as_str().unwrap().to_owned(), users)
}

/// Usernames the server took (202), batch by batch, de-duplicated by batch id as it does.
fn delivered(server: &TestServer) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut users = Vec::new();
    for r in server.to(EVENTS) {
        let (batch, batch_users) = events_of(&r);
        if seen.insert(batch) {
            users.extend(batch_users);
        }
    }
    users
}

async fn until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the agent while `script` runs, then stops it like SIGTERM would.
async fn with_agent<F: std::future::Future<Output = ()>>(config: RunConfig, script: F) {
    let (stop, stopped) = oneshot::channel::<()>();
    let agent = run(config, async {
        let _ = stopped.await;
    });
    let driver = async {
        script.await;
        let _ = stop.send(());
    };
    let (result, ()) = tokio::join!(agent, driver);
    result.unwrap();
}

fn verifies(r: &Recorded, secret: &str) -> bool {
    let key = decode_secret(secret).unwrap();
    let request = SignedRequest {
        method: &r.method,
        path_with_query: &r.target,
        timestamp: r.header("x-timestamp"),
        nonce: r.header("x-nonce"),
        signature: r.header("x-signature"),
        body: &r.body,
    };
    verify(&key, &request, ClockOffset::local_now()).is_ok()
}

fn spool(dir: &Path) -> Spool {
    Spool::open(&dir.join("spool"), &dir.join("counters.json"), u64::MAX).unwrap()
}

#[tokio::test]
async fn lines_become_signed_batches_and_heartbeats_report() {
    let dir = TestDir::new("run-basic");
    let log: PathBuf = dir.path().join("cowrie.json");
    let server = TestServer::routes(vec![
        (HEARTBEAT, vec![heartbeat_ok()]),
        (EVENTS, vec![accepted()]),
    ])
    .await;
    enroll_state(dir.path(), &server.url, SECRET);
    append_cowrie(&log, 0, 3);
    with_agent(config(dir.path(), &log), async {
        until("3 events", || delivered(&server).len() == 3).await;
        append_cowrie(&log, 3, 2);
        until("5 events", || delivered(&server).len() == 5).await;
        until("a heartbeat", || !server.to(HEARTBEAT).is_empty()).await;
    })
    .await;
    assert_eq!(delivered(&server), ["u0", "u1", "u2", "u3", "u4"]);
    assert!(server.recorded().iter().all(|r| verifies(r, SECRET)));
    let beat: Value = serde_json::from_slice(&server.to(HEARTBEAT)[0].body).unwrap();
    assert_eq!(beat["status"], "ok");
    let state = AgentState::load(dir.path()).unwrap().unwrap();
    assert_eq!(beat["instance_id"], state.instance_id.to_string());
    assert!(beat["buffered_events"].is_u64() && beat["dropped_events"] == 0);
    assert!(spool(dir.path()).is_empty());
    assert!(dir.path().join("offsets.json").exists());
}

#[tokio::test]
async fn an_outage_and_a_restart_lose_nothing_and_resend_the_same_batch() {
    let dir = TestDir::new("run-outage");
    let log = dir.path().join("cowrie.json");
    let down = TestServer::routes(vec![
        (HEARTBEAT, vec![Scripted::new(503, "{}")]),
        (
            EVENTS,
            vec![Scripted::new(503, "{}").header("Retry-After", "0")],
        ),
    ])
    .await;
    enroll_state(dir.path(), &down.url, SECRET);
    append_cowrie(&log, 0, 4);
    with_agent(config(dir.path(), &log), async {
        until("an attempt", || !down.to(EVENTS).is_empty()).await;
        append_cowrie(&log, 4, 1);
        tokio::time::sleep(Duration::from_millis(30)).await;
    })
    .await;
    let attempted = events_of(&down.to(EVENTS)[0]).0;
    assert!(
        spool(dir.path()).buffered_events() >= 4,
        "kept on disk across the stop"
    );

    let up = TestServer::routes(vec![
        (HEARTBEAT, vec![heartbeat_ok()]),
        (EVENTS, vec![accepted()]),
    ])
    .await;
    enroll_state(dir.path(), &up.url, SECRET);
    append_cowrie(&log, 5, 2);
    with_agent(config(dir.path(), &log), async {
        until("7 events", || delivered(&up).len() == 7).await;
    })
    .await;
    let users = delivered(&up);
    let expected: Vec<String> = (0..7).map(|i| format!("u{i}")).collect();
    assert_eq!(users, expected, "each event once, in order");
    assert_eq!(
        events_of(&up.to(EVENTS)[0]).0,
        attempted,
        "same batch id after the restart"
    );
}

#[tokio::test]
async fn a_refused_batch_is_dropped_and_counted_in_heartbeats() {
    let dir = TestDir::new("run-refused");
    let log = dir.path().join("cowrie.json");
    let server = TestServer::routes(vec![
        (HEARTBEAT, vec![heartbeat_ok()]),
        (
            EVENTS,
            vec![Scripted::new(
                422,
                r#"{"error":{"code":"validation_failed","message":"x"}}"#,
            )],
        ),
    ])
    .await;
    enroll_state(dir.path(), &server.url, SECRET);
    append_cowrie(&log, 0, 3);
    let dropped =
        |r: &Recorded| serde_json::from_slice::<Value>(&r.body).unwrap()["dropped_events"].as_u64();
    with_agent(config(dir.path(), &log), async {
        until("a heartbeat reporting the drop", || {
            server.to(HEARTBEAT).iter().any(|r| dropped(r) == Some(3))
        })
        .await;
    })
    .await;
    assert_eq!(server.to(EVENTS).len(), 1, "never retried");
    let spool = spool(dir.path());
    assert!(spool.is_empty());
    assert_eq!(spool.dropped_events(), 3);
}

#[tokio::test]
async fn a_rotated_secret_in_the_state_file_is_picked_up_after_a_401() {
    let dir = TestDir::new("run-reload");
    let log = dir.path().join("cowrie.json");
    let now = ClockOffset::local_now().to_string();
    let server = TestServer::routes(vec![
        (HEARTBEAT, vec![heartbeat_ok()]),
        (
            EVENTS,
            vec![
                Scripted::new(
                    401,
                    r#"{"error":{"code":"invalid_signature","message":"x"}}"#,
                )
                .header("X-Server-Time", &now),
                accepted(),
            ],
        ),
    ])
    .await;
    enroll_state(dir.path(), &server.url, SECRET);
    with_agent(config(dir.path(), &log), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        enroll_state(dir.path(), &server.url, NEW_SECRET);
        append_cowrie(&log, 0, 1);
        until("a delivery", || server.to(EVENTS).len() == 2).await;
    })
    .await;
    let attempts = server.to(EVENTS);
    assert!(verifies(&attempts[0], SECRET));
    assert!(verifies(&attempts[1], NEW_SECRET));
    assert_eq!(events_of(&attempts[0]).0, events_of(&attempts[1]).0);
}

#[tokio::test]
async fn heartbeats_carry_the_instance_id_and_a_copied_state_dir_is_a_clone() {
    let dir = TestDir::new("run-clone");
    let log = dir.path().join("cowrie.json");
    let server = TestServer::routes(vec![(
        HEARTBEAT,
        vec![Scripted::new(
            409,
            r#"{"error":{"code":"agent_clone_detected","message":"x"}}"#,
        )],
    )])
    .await;
    enroll_state(dir.path(), &server.url, SECRET);
    // As if the directory had been enrolled on another machine and copied here.
    let mut state = AgentState::load(dir.path()).unwrap().unwrap();
    let enrolled_as = state.instance_id;
    state.machine = Some("machine-id:the-original".into());
    state.save(dir.path()).unwrap();

    // No stop is ever sent: the clone refusal alone ends the run.
    let result = run(config(dir.path(), &log), std::future::pending()).await;
    assert!(
        matches!(result, Err(crate::run::RunError::Clone)),
        "{result:?}"
    );
    let beats = server.to(HEARTBEAT);
    assert_eq!(beats.len(), 1, "not retried");
    let body: Value = serde_json::from_slice(&beats[0].body).unwrap();
    let reported = AgentState::load(dir.path()).unwrap().unwrap().instance_id;
    assert_ne!(reported, enrolled_as);
    assert_eq!(body["instance_id"], reported.to_string());
}

#[tokio::test]
async fn a_second_run_on_the_same_state_dir_is_refused() {
    let dir = TestDir::new("run-lock");
    let log = dir.path().join("cowrie.json");
    let server = TestServer::routes(vec![(HEARTBEAT, vec![heartbeat_ok()])]).await;
    enroll_state(dir.path(), &server.url, SECRET);
    with_agent(config(dir.path(), &log), async {
        until("a heartbeat", || !server.to(HEARTBEAT).is_empty()).await;
        let second = run(config(dir.path(), &log), std::future::ready(())).await;
        assert!(
            matches!(second, Err(crate::run::RunError::Busy(_))),
            "{second:?}"
        );
    })
    .await;
    // Released when the first run ends.
    run(config(dir.path(), &log), std::future::ready(()))
        .await
        .unwrap();
}
