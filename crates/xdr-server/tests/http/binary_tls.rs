//! Native TLS of the real `mini-xdr serve` (`[server.tls]`), with certificates the test makes
//! for 127.0.0.1: HTTPS with HSTS, plain HTTP without it, the certificate reloaded on SIGHUP
//! (a broken one leaves the old in service), and a start refused for an unusable pair.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use xdr_crypto::tls::test_certs::{TestCa, TestLeaf};
use xdr_persistence::test_support::TestDatabase;

use crate::binary::{Server, command, temp_dir};
use crate::binary_lifecycle::{connect, read_answer};
use crate::common::{Backend, test_database};

mod https;
use https::Https;

const HSTS: &str = "strict-transport-security: max-age=31536000";
const LOG_WAIT: Duration = Duration::from_secs(10);

/// A data directory holding `cert.pem` (leaf and CA) and `key.pem`.
struct TlsDir {
    dir: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

impl TlsDir {
    fn new(tag: &str, ca: &TestCa, leaf: &TestLeaf) -> Self {
        let dir = temp_dir(tag);
        let tls = Self {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
            dir,
        };
        tls.write(ca, leaf);
        tls
    }

    fn write(&self, ca: &TestCa, leaf: &TestLeaf) {
        std::fs::write(&self.cert, leaf.chain_pem(ca)).unwrap();
        std::fs::write(&self.key, &leaf.key_pem).unwrap();
    }
}

impl Drop for TlsDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A server on `backend` with the environment `vars` (SQLite: in `dir`).
fn start(backend: Backend, dir: &Path, vars: &[(&str, &Path)]) -> (Server, Option<TestDatabase>) {
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let mut cmd = command(dir);
    for (name, value) in vars {
        cmd.env(name, value);
    }
    if let Some(db) = &db {
        cmd.env("MINI_XDR__DATABASE__URL", db.url());
    }
    (Server::start(cmd), db)
}

fn start_tls(backend: Backend, tls: &TlsDir) -> (Server, Option<TestDatabase>) {
    let vars = [
        ("MINI_XDR__SERVER__TLS__CERT_FILE", tls.cert.as_path()),
        ("MINI_XDR__SERVER__TLS__KEY_FILE", tls.key.as_path()),
    ];
    start(backend, &tls.dir, &vars)
}

/// The first JSON log line whose message starts with `message`, within [`LOG_WAIT`].
fn wait_for_log(server: &Server, message: &str) -> serde_json::Value {
    let deadline = Instant::now() + LOG_WAIT;
    let mut seen = Vec::new();
    loop {
        for line in server.log_lines(Duration::from_millis(200)) {
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line)
                && json["fields"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(message))
            {
                return json;
            }
            seen.push(line);
        }
        assert!(
            Instant::now() < deadline,
            "no log line {message:?} in:\n{}",
            seen.join("\n")
        );
    }
}

fn serves_https_with_hsts(backend: Backend) {
    let ca = TestCa::new("xdr-test-ca");
    let leaf = ca.leaf(&["127.0.0.1"]);
    let tls = TlsDir::new("tls-https", &ca, &leaf);
    let (server, _db) = start_tls(backend, &tls);
    assert_eq!(
        server.listening["fields"]["tls"], true,
        "{}",
        server.listening
    );
    assert_eq!(
        server.listening["fields"]["fingerprint"],
        leaf.pin().to_string()
    );
    let mut https = Https::connect(&server.addr, &ca);
    assert_eq!(https.leaf(), leaf.der);
    let (status, head, body) = https.get("/readyz");
    assert_eq!(status, 200, "{body}");
    assert!(head.contains(HSTS), "{head}");
    let (status, head, _) = https.get("/api/v1/auth/me");
    assert_eq!(status, 401);
    assert!(head.contains(HSTS), "error answers too: {head}");
    assert!(server.terminate().success());
}

fn plain_http_has_no_hsts_and_survives_sighup(backend: Backend) {
    let dir = temp_dir("tls-plain");
    let (server, _db) = start(backend, &dir, &[]);
    assert_eq!(
        server.listening["fields"]["tls"], false,
        "{}",
        server.listening
    );
    let readyz = |server: &Server| {
        let mut stream = connect(&server.addr);
        write!(stream, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        read_answer(&mut stream)
    };
    let (status, head, _) = readyz(&server);
    assert_eq!(status, 200);
    assert!(!head.contains("strict-transport-security"), "{head}");
    server.signal("HUP");
    let ignored = wait_for_log(&server, "ignored: no certificate to reload");
    assert_eq!(ignored["level"], "WARN", "{ignored}");
    assert_eq!(readyz(&server).0, 200, "alive after SIGHUP");
    assert!(server.terminate().success());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// New connections see the new certificate; one opened before keeps working with the old.
fn sighup_presents_the_new_certificate(backend: Backend) {
    let ca = TestCa::new("xdr-test-ca");
    let (old, new) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let tls = TlsDir::new("tls-rotate", &ca, &old);
    let (server, _db) = start_tls(backend, &tls);
    let mut established = Https::connect(&server.addr, &ca);
    assert_eq!(established.get("/readyz").0, 200);
    assert_eq!(established.leaf(), old.der);

    tls.write(&ca, &new);
    server.signal("HUP");
    let reloaded = wait_for_log(&server, "TLS certificate reloaded");
    assert_eq!(reloaded["level"], "INFO", "{reloaded}");
    assert_eq!(reloaded["fields"]["fingerprint"], new.pin().to_string());

    let mut fresh = Https::connect(&server.addr, &ca);
    assert_eq!(fresh.leaf(), new.der);
    assert_eq!(fresh.get("/readyz").0, 200);
    let (status, head, _) = established.get("/readyz");
    assert_eq!(status, 200, "the established connection was dropped");
    assert!(head.contains(HSTS), "{head}");
    assert_eq!(established.leaf(), old.der);
    assert!(server.terminate().success());
}

/// A certificate file that is not PEM, then a key that is not the certificate's: each reload
/// is refused and logged, the old certificate stays in service and the process lives on.
fn sighup_with_unusable_files_keeps_the_old_certificate(backend: Backend) {
    let ca = TestCa::new("xdr-test-ca");
    let (served, other) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let tls = TlsDir::new("tls-broken", &ca, &served);
    let (server, _db) = start_tls(backend, &tls);
    let broken = [
        ("garbage\n", served.key_pem.as_str(), "server.tls.cert_file"),
        (
            other.cert_pem.as_str(),
            served.key_pem.as_str(),
            "server.tls.key_file",
        ),
    ];
    for (cert, key, at_fault) in broken {
        std::fs::write(&tls.cert, cert).unwrap();
        std::fs::write(&tls.key, key).unwrap();
        server.signal("HUP");
        let refused = wait_for_log(&server, "TLS certificate not reloaded");
        assert_eq!(refused["level"], "ERROR", "{refused}");
        let error = refused["fields"]["error"].as_str().unwrap();
        assert!(error.contains(at_fault), "{error}");
        assert_eq!(refused["fields"]["fingerprint"], served.pin().to_string());
        let mut https = Https::connect(&server.addr, &ca);
        assert_eq!(https.leaf(), served.der);
        assert_eq!(https.get("/readyz").0, 200);
    }
    assert!(server.terminate().success(), "the process did not live on");
}

/// Only one of the two keys, files that are not PEM, a key of another certificate, a file
/// that does not exist: each stops the start with a message naming the key, without a panic.
fn refuses_to_start_without_a_usable_pair(backend: Backend) {
    let ca = TestCa::new("xdr-test-ca");
    let (leaf, other) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let tls = TlsDir::new("tls-refused", &ca, &leaf);
    let (garbage, other_key) = (tls.dir.join("garbage.pem"), tls.dir.join("other-key.pem"));
    std::fs::write(&garbage, "not a certificate\n").unwrap();
    std::fs::write(&other_key, &other.key_pem).unwrap();
    let missing = tls.dir.join("missing.pem");
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let (cert, key) = (tls.cert.as_path(), tls.key.as_path());
    let cases: Vec<(Option<&Path>, Option<&Path>, Vec<&str>)> = vec![
        (Some(cert), None, vec!["server.tls.key_file"]),
        (None, Some(key), vec!["server.tls.cert_file"]),
        (Some(&garbage), Some(key), vec!["server.tls.cert_file"]),
        (Some(cert), Some(&other_key), vec!["server.tls.key_file"]),
        (
            Some(&missing),
            Some(key),
            vec!["server.tls.cert_file", "missing.pem"],
        ),
    ];
    for (cert, key, needles) in cases {
        let mut cmd = command(&tls.dir);
        if let Some(db) = &db {
            cmd.env("MINI_XDR__DATABASE__URL", db.url());
        }
        if let Some(cert) = cert {
            cmd.env("MINI_XDR__SERVER__TLS__CERT_FILE", cert);
        }
        if let Some(key) = key {
            cmd.env("MINI_XDR__SERVER__TLS__KEY_FILE", key);
        }
        let output = cmd
            .args(["serve", "--bind", "127.0.0.1:0"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "started with {cert:?} {key:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle} not in: {stderr}");
        }
    }
}

on_both_backends_sync!(
    serves_https_with_hsts,
    plain_http_has_no_hsts_and_survives_sighup,
    sighup_presents_the_new_certificate,
    sighup_with_unusable_files_keeps_the_old_certificate,
    refuses_to_start_without_a_usable_pair,
);
