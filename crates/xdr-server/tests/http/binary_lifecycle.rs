//! The real `mini-xdr` binary's life in a container: `mini-xdr healthcheck` and the drain on
//! SIGTERM and SIGINT (readiness fails at once, no new connections, requests in flight finish
//! within `server.shutdown_timeout_seconds`, exit 0).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use crate::binary::{Server, command, temp_dir};
use crate::common::{Backend, test_database};
use xdr_persistence::test_support::TestDatabase;

const LOGIN: &str = r#"{"email":"nobody@acme.example","password":"violet tractor mango fjord"}"#;

/// A server on `backend` (SQLite: in `data_dir`) and its PostgreSQL database, if any.
fn server(
    backend: Backend,
    data_dir: &Path,
    grace_seconds: u64,
    delay_seconds: u64,
) -> (Server, Option<TestDatabase>) {
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let mut cmd = command(data_dir);
    cmd.env(
        "MINI_XDR__SERVER__SHUTDOWN_TIMEOUT_SECONDS",
        grace_seconds.to_string(),
    )
    .env(
        "MINI_XDR__SERVER__SHUTDOWN_DELAY_SECONDS",
        delay_seconds.to_string(),
    );
    if let Some(db) = &db {
        cmd.env("MINI_XDR__DATABASE__URL", db.url());
    }
    (Server::start(cmd), db)
}

fn healthcheck(data_dir: &Path, bind: &str, args: &[&str]) -> Output {
    command(data_dir)
        .env("MINI_XDR__SERVER__BIND", bind)
        .arg("healthcheck")
        .args(args)
        .output()
        .unwrap()
}

/// One answer on a keep-alive connection: (status, head in lower case, body).
pub fn read_answer(stream: &mut impl Read) -> (u16, String, String) {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(
            stream.read(&mut byte).unwrap(),
            1,
            "connection closed mid-answer"
        );
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap().to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, head, String::from_utf8(body).unwrap())
}

pub fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

fn readyz(stream: &mut TcpStream, addr: &str) -> (u16, String, String) {
    write!(stream, "GET /readyz HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    read_answer(stream)
}

/// A sign-in whose body is still on its way when the signal comes: readiness fails at once
/// (during the delay, on a connection already open, and on a new one), then new connections
/// are refused, the sign-in is answered in full, and the process exits 0 well within delay +
/// grace.
fn drains_in_flight_requests(backend: Backend) {
    const GRACE: u64 = 10;
    const DELAY: u64 = 2;
    let data_dir = temp_dir("drain");
    let (server, _db) = server(backend, &data_dir, GRACE, DELAY);
    let addr = server.addr.clone();
    let mut probe = connect(&addr);
    assert_eq!(readyz(&mut probe, &addr).0, 200);
    let mut in_flight = connect(&addr);
    let (first, rest) = LOGIN.split_at(LOGIN.len() / 2);
    write!(
        in_flight,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
        LOGIN.len()
    )
    .unwrap();
    in_flight.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    let signalled = Instant::now();
    // The probe's connection stays idle until the signal has surely been handled (a request
    // answered while the drain begins may close its connection before saying 503).
    std::thread::sleep(Duration::from_millis(500));
    let (status, head, body) = readyz(&mut probe, &addr);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("draining"), "{body}");
    assert!(head.contains("connection: close"), "{head}");
    let mut during_delay = connect(&addr);
    assert_eq!(readyz(&mut during_delay, &addr).0, 503);
    assert!(
        signalled.elapsed() < Duration::from_secs(DELAY),
        "too slow to see the delay"
    );
    // After the delay the listener is closed: a new connection is refused (or, at most,
    // accepted by the kernel and never served).
    std::thread::sleep(
        Duration::from_secs(DELAY) + Duration::from_millis(700) - signalled.elapsed(),
    );
    if let Ok(mut late) = TcpStream::connect(&addr) {
        late.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = write!(late, "GET /readyz HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        let mut answer = String::new();
        let _ = late.read_to_string(&mut answer);
        assert!(
            answer.is_empty(),
            "a new connection was served after the delay: {answer}"
        );
    }
    in_flight.write_all(rest.as_bytes()).unwrap();
    let (status, _, body) = read_answer(&mut in_flight);
    assert_eq!(
        status, 401,
        "the request in flight was not answered in full: {body}"
    );
    assert!(body.contains("invalid_credentials"), "{body}");
    drop((probe, in_flight));
    let (exit, _) = server.wait_exit(Duration::from_secs(GRACE + 5));
    assert!(exit.success(), "exit status after SIGTERM: {exit:?}");
    let took = signalled.elapsed();
    assert!(
        took < Duration::from_secs(DELAY + GRACE),
        "drain took {took:?}"
    );
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn drains_in_flight_requests_on_sqlite() {
    drains_in_flight_requests(Backend::Sqlite);
}

#[test]
fn drains_in_flight_requests_on_postgres() {
    drains_in_flight_requests(Backend::Postgres);
}

/// A request that never completes holds the exit up for the grace period, no longer (SIGINT
/// drains like SIGTERM).
#[test]
fn the_grace_period_bounds_the_drain() {
    const GRACE: u64 = 2;
    let data_dir = temp_dir("grace");
    let (server, _db) = server(Backend::Sqlite, &data_dir, GRACE, 0);
    let mut stuck = connect(&server.addr);
    write!(
        stuck,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.signal("INT");
    let (exit, took) = server.wait_exit(Duration::from_secs(GRACE + 8));
    assert!(exit.success(), "exit status after SIGINT: {exit:?}");
    assert!(
        took >= Duration::from_millis(GRACE * 1000 - 500),
        "did not wait: {took:?}"
    );
    assert!(
        took < Duration::from_secs(GRACE + 4),
        "waited too long: {took:?}"
    );
    drop(stuck);
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn healthcheck_asks_the_servers_readyz() {
    let data_dir = temp_dir("healthcheck");
    let (server, _db) = server(Backend::Sqlite, &data_dir, 10, 0);
    let addr = server.addr.clone();
    let port = addr.rsplit(':').next().unwrap().to_owned();
    let ready = healthcheck(&data_dir, &addr, &[]);
    assert!(
        ready.status.success(),
        "{}",
        String::from_utf8_lossy(&ready.stderr)
    );
    assert!(String::from_utf8_lossy(&ready.stdout).contains("/readyz"));
    // Bound to every address: the probe goes to loopback.
    let any = healthcheck(&data_dir, &format!("0.0.0.0:{port}"), &[]);
    assert!(
        any.status.success(),
        "{}",
        String::from_utf8_lossy(&any.stderr)
    );
    let url = format!("http://127.0.0.1:{port}/readyz");
    assert!(
        healthcheck(&data_dir, "127.0.0.1:1", &["--url", &url])
            .status
            .success()
    );
    // Anything but 200 is not ready.
    let missing = format!("http://127.0.0.1:{port}/no-such-path");
    let not_found = healthcheck(&data_dir, &addr, &["--url", &missing]);
    assert_eq!(not_found.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&not_found.stderr).contains("404"));
    // Never anywhere else than this server.
    let elsewhere = healthcheck(&data_dir, &addr, &["--url", "http://192.0.2.1/readyz"]);
    assert_eq!(elsewhere.status.code(), Some(78));
    assert!(server.terminate().success());
    let stopped = healthcheck(&data_dir, &addr, &["--timeout-ms", "500"]);
    assert_eq!(stopped.status.code(), Some(1));
    std::fs::remove_dir_all(&data_dir).unwrap();
}
