//! The real `mini-xdr-agent` binary as a child process, against a scripted server on
//! 127.0.0.1: what an end-to-end test (or a service manager) sees.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../src/testdir.rs"]
mod testdir;
#[allow(dead_code)]
#[path = "../src/testserver.rs"]
mod testserver;

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use testdir::TestDir;
use testserver::{Scripted, TestServer};
use xdr_agent::state::AgentState;

const BIN: &str = env!("CARGO_BIN_EXE_mini-xdr-agent");
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

async fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the agent did not exit in time");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[test]
fn version_is_printed() {
    let out: Output = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("mini-xdr-agent "), "{text}");
}

#[tokio::test]
async fn enroll_takes_the_token_from_the_environment() {
    let dir = TestDir::new("proc-enroll");
    let state_dir = dir.path().join("state");
    let server = TestServer::start(vec![Scripted::new(
        201,
        &format!(r#"{{"agent_id":"a7","agent_secret":"{SECRET}","heartbeat_interval_seconds":30,"server_time":"2026-01-01T00:00:00Z"}}"#),
    )])
    .await;
    let mut child = Command::new(BIN)
        .args([
            "enroll",
            "--server",
            &server.url,
            "--hostname",
            "web1",
            "--state-dir",
        ])
        .arg(&state_dir)
        .env("MINI_XDR_ENROLLMENT_TOKEN", "from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_for(&mut child, Duration::from_secs(20))
            .await
            .success()
    );
    let body: serde_json::Value = serde_json::from_slice(&server.recorded()[0].body).unwrap();
    assert_eq!(body["enrollment_token"], "from-env");
    let state = AgentState::load(&state_dir).unwrap().unwrap();
    assert_eq!(state.agent_id.as_deref(), Some("a7"));
    assert_eq!(body["instance_id"], state.instance_id.to_string());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(AgentState::path(&state_dir))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn run_without_enrollment_fails() {
    let dir = TestDir::new("proc-unenrolled");
    let out = Command::new(BIN)
        .args(["run", "--state-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not enrolled"));
}

#[cfg(unix)]
#[tokio::test]
async fn run_ships_appended_lines_and_exits_zero_on_sigterm() {
    let dir = TestDir::new("proc-run");
    let log = dir.path().join("cowrie.json");
    std::fs::write(
        &log,
        "{\"eventid\":\"cowrie.login.failed\",\"src_ip\":\"192.0.2.1\",\"username\":\"old\"}\n",
    )
    .unwrap();
    let server = TestServer::routes(vec![
        (
            "/api/v1/agents/heartbeat",
            vec![Scripted::new(200, r#"{"heartbeat_interval_seconds":30}"#)],
        ),
        (
            "/api/v1/agents/events",
            vec![Scripted::new(
                202,
                r#"{"accepted":1,"duplicate":false,"incidents_opened":[]}"#,
            )],
        ),
    ])
    .await;
    let mut state = AgentState::new(&server.url);
    state.agent_id = Some("a1".into());
    state.agent_secret = Some(xdr_agent::state::Secret::new(SECRET.into()));
    state.save(dir.path()).unwrap();

    let mut child = Command::new(BIN)
        .args([
            "run",
            "--flush-interval-ms",
            "100",
            "--poll-interval-ms",
            "50",
            "--cowrie",
        ])
        .arg(&log)
        .arg("--state-dir")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    until("a heartbeat", || !server.to("/heartbeat").is_empty()).await;
    let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    for i in 0..20 {
        writeln!(
            f,
            r#"{{"eventid":"cowrie.login.failed","src_ip":"192.0.2.1","username":"u{i}"}}"#
        )
        .unwrap();
    }
    let received = || {
        server
            .to("/events")
            .iter()
            .map(|r| {
                let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                v["events"].as_array().unwrap().len()
            })
            .sum::<usize>()
    };
    until("20 events", || received() == 20).await;

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = wait_for(&mut child, Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    assert_eq!(received(), 20, "the line before the start was not sent");
    assert!(
        std::fs::read_dir(dir.path().join("spool"))
            .unwrap()
            .next()
            .is_none()
    );
    assert!(dir.path().join("offsets.json").exists());
}
