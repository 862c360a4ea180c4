//! Two real `mini-xdr serve` processes on one database and one data directory: a discovery scan
//! running on one is left alone by the other's start and sweeps, and once its instance is
//! killed, the other marks it `interrupted` after its claim ran out, not before.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use xdr_persistence::test_support::TestDatabase;

use crate::binary_server::{Server, call, command, temp_dir};
use crate::common::{Backend, register_body, test_database};

const ONBOARDING: &str = "/api/v1/onboarding";
const WAIT: Duration = Duration::from_secs(60);
/// The claim of a running scan: `discovery.scan_lease_seconds`.
const LEASE: Duration = Duration::from_secs(5);
/// Ports of 127.0.0.1 that accept and then say nothing: each probe waits for a greeting until
/// the banner timeout (a second), so one probe at a time keeps the scan running ~20 s.
const SILENT_PORTS: usize = 20;

fn instance(dir: &Path, db: Option<&TestDatabase>) -> Server {
    let mut cmd = command(dir);
    if let Some(db) = db {
        cmd.env("MINI_XDR__DATABASE__URL", db.url());
    }
    cmd.env("MINI_XDR__DISCOVERY__CONCURRENCY", "1").env(
        "MINI_XDR__DISCOVERY__SCAN_LEASE_SECONDS",
        LEASE.as_secs().to_string(),
    );
    Server::start(cmd)
}

/// Listeners that accept every connection and hold it open without a word.
fn silent_ports() -> Vec<u16> {
    (0..SILENT_PORTS)
        .map(|_| {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            std::thread::spawn(move || {
                let mut held = Vec::new();
                for stream in listener.incoming().map_while(Result::ok) {
                    held.push(stream);
                }
            });
            port
        })
        .collect()
}

/// Registers an organization on `server` and starts a scan of the silent ports: the admin's
/// token and the scan's id.
fn start_scan(server: &Server) -> (String, String) {
    let body = register_body("Acme", "ada@acme.example").to_string();
    let (status, reply) = server.request("POST", "/api/v1/auth/register", Some(&body));
    assert_eq!(status, 201, "{reply}");
    let token = serde_json::from_str::<Value>(&reply).unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    call(server, &token, "POST", &format!("{ONBOARDING}/start"), None);
    let scan = json!({"network_ranges": ["127.0.0.1/32"], "ports": silent_ports()});
    let started = call(
        server,
        &token,
        "POST",
        &format!("{ONBOARDING}/network-scan"),
        Some(scan),
    );
    (token, started["scan_id"].as_str().unwrap().to_owned())
}

fn status(server: &Server, token: &str, scan: &str) -> String {
    let path = format!("{ONBOARDING}/network-scan/{scan}");
    call(server, token, "GET", &path, None)["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn a_scan_is_interrupted_only_once_its_instance_is_gone(backend: Backend) {
    let dir = temp_dir("scan-claims");
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let a = instance(&dir, db.as_ref());
    let (token, scan) = start_scan(&a);
    wait_until("the scan running", || {
        status(&a, &token, &scan) == "running"
    });
    // B starts (it sweeps at once) and sweeps every half lease: A renews its claim each
    // second, so the scan stays running through B's start and several of its sweeps.
    let b = instance(&dir, db.as_ref());
    std::thread::sleep(LEASE + LEASE / 2);
    assert_eq!(status(&b, &token, &scan), "running");

    a.signal("KILL");
    let killed = Instant::now();
    wait_until("the scan interrupted", || {
        status(&b, &token, &scan) == "interrupted"
    });
    // The last claim A wrote (at most a second before the kill) lasted a lease.
    let after = killed.elapsed();
    assert!(
        after >= LEASE - Duration::from_secs(2),
        "interrupted {after:?} after the kill"
    );
    b.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

on_both_backends_sync!(a_scan_is_interrupted_only_once_its_instance_is_gone);
