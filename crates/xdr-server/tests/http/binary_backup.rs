//! `mini-xdr backup` and `mini-xdr restore` with the real binary: a backup taken while events
//! are being ingested holds every event acknowledged before it started, restores into a fresh
//! directory whose server serves them with an intact audit chain; a restore never replaces the
//! database of a running server, nor an existing one without `--force`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::binary::{Server, command, temp_dir};
use crate::common::{Backend, test_database};

const PASSWORD: &str = "violet tractor mango fjord";

fn run(data_dir: &Path, args: &[&str]) -> Output {
    command(data_dir).args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn sign_in(server: &Server) -> String {
    let body = json!({"email": "ada@acme.example", "password": PASSWORD}).to_string();
    let (status, reply) = server.request("POST", "/api/v1/auth/login", Some(&body));
    assert_eq!(status, 200, "{reply}");
    let reply: Value = serde_json::from_str(&reply).unwrap();
    reply["access_token"].as_str().unwrap().to_owned()
}

fn count_events(server: &Server, token: &str) -> u64 {
    let (mut total, mut cursor) = (0, None::<String>);
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/events?limit=500&cursor={c}"),
            None => "/api/v1/events?limit=500".to_owned(),
        };
        let (status, reply) = server.request_as("GET", &path, None, Some(token));
        assert_eq!(status, 200, "{reply}");
        let page: Value = serde_json::from_str(&reply).unwrap();
        total += page["items"].as_array().unwrap().len() as u64;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return total,
        }
    }
}

/// Posts batches of 20 events until told to stop; counts the acknowledged ones.
fn ingest_until(
    server: Arc<Mutex<Server>>,
    token: String,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicU64>,
) {
    let events: Vec<Value> = (0..20)
        .map(|i| json!({"event_type": "auth.failed", "src_ip": format!("203.0.113.{}", i + 1), "dst_port": 22}))
        .collect();
    let body = json!({ "events": events }).to_string();
    while !stop.load(Ordering::Relaxed) {
        let (status, reply) =
            server
                .lock()
                .unwrap()
                .request_as("POST", "/api/v1/events", Some(&body), Some(&token));
        assert_eq!(status, 202, "{reply}");
        acked.fetch_add(20, Ordering::SeqCst);
    }
}

#[test]
fn a_backup_under_ingest_restores_every_acknowledged_event() {
    let (source, restored) = (temp_dir("backup-src"), temp_dir("backup-dst"));
    let shared = Arc::new(Mutex::new(Server::start(command(&source))));
    let server = || shared.lock().unwrap();
    let body = json!({"organization_name": "Acme", "admin_email": "ada@acme.example",
        "admin_password": PASSWORD, "admin_name": "Ada"})
    .to_string();
    assert_eq!(
        server()
            .request("POST", "/api/v1/auth/register", Some(&body))
            .0,
        201
    );
    let token = sign_in(&server());
    let (stop, acked) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let load = {
        let (server, token, stop, acked) = (
            Arc::clone(&shared),
            token.clone(),
            Arc::clone(&stop),
            Arc::clone(&acked),
        );
        std::thread::spawn(move || ingest_until(server, token, stop, acked))
    };
    while acked.load(Ordering::SeqCst) < 400 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = acked.load(Ordering::SeqCst);
    let out = source.join("copy.db");
    let backup = run(&source, &["backup", "--out", out.to_str().unwrap()]);
    let after = acked.load(Ordering::SeqCst);
    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(String::from_utf8_lossy(&backup.stdout).contains("backup written"));
    // The server went on serving during the backup, and the file is never overwritten.
    std::thread::sleep(Duration::from_millis(200));
    assert!(acked.load(Ordering::SeqCst) > after);
    let again = run(&source, &["backup", "--out", out.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    stop.store(true, Ordering::Relaxed);
    load.join().unwrap();

    // Not over the database of the running server.
    let size = std::fs::metadata(source.join("mini-xdr.db")).unwrap().len();
    let refused = run(
        &source,
        &["restore", "--from", out.to_str().unwrap(), "--force"],
    );
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("running"), "{}", stderr(&refused));
    assert_eq!(
        std::fs::metadata(source.join("mini-xdr.db")).unwrap().len(),
        size
    );
    assert_eq!(server().request("GET", "/readyz", None).0, 200);

    let restore = run(&restored, &["restore", "--from", out.to_str().unwrap()]);
    assert!(restore.status.success(), "{}", stderr(&restore));
    // A second restore would replace what is there now: only with --force.
    let twice = run(&restored, &["restore", "--from", out.to_str().unwrap()]);
    assert!(!twice.status.success());
    assert!(stderr(&twice).contains("--force"), "{}", stderr(&twice));

    let copy = Server::start(command(&restored));
    let token = sign_in(&copy);
    let events = count_events(&copy, &token);
    // At most one batch (20) was in flight, committed but not yet acknowledged, at the end.
    assert!(
        (before..=after + 20).contains(&events),
        "{events} events restored; {before} acknowledged before the backup, {after} after"
    );
    let (status, verify) = copy.request_as("GET", "/api/v1/audit-logs/verify", None, Some(&token));
    assert_eq!(status, 200, "{verify}");
    assert_eq!(
        serde_json::from_str::<Value>(&verify).unwrap()["valid"],
        true
    );
    assert!(copy.terminate().success());
    let _ = std::fs::remove_dir_all(&source);
    let _ = std::fs::remove_dir_all(&restored);
}

#[test]
fn a_copy_that_is_not_a_database_changes_nothing() {
    let dir = temp_dir("restore-bad");
    let bogus = dir.join("bogus.db");
    std::fs::write(&bogus, b"not a database at all, just text").unwrap();
    let refused = run(
        &dir,
        &["restore", "--from", bogus.to_str().unwrap(), "--force"],
    );
    assert!(!refused.status.success());
    assert!(!dir.join("mini-xdr.db").exists());
    let missing = run(
        &dir,
        &["backup", "--out", dir.join("x.db").to_str().unwrap()],
    );
    assert!(!missing.status.success(), "no database to back up");
    assert!(!dir.join("x.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn postgres_is_backed_up_with_its_own_tools() {
    let dir = temp_dir("backup-pg");
    let db = test_database(Backend::Postgres);
    let out = dir.join("copy.db");
    for args in [
        vec!["backup", "--out", out.to_str().unwrap()],
        vec!["restore", "--from", out.to_str().unwrap()],
    ] {
        let output = command(&dir)
            .env("MINI_XDR__DATABASE__URL", db.url())
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success());
        assert!(stderr(&output).contains("pg_dump"), "{}", stderr(&output));
    }
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
