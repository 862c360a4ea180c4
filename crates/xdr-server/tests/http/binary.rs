//! The real `mini-xdr` binary: serve on a fresh data directory, answer, stop on SIGTERM; and the
//! operator commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{Backend, test_database};

const BIN: &str = env!("CARGO_BIN_EXE_mini-xdr");
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mini-xdr-bin-{tag}-{}",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A bare environment: nothing from the developer's shell leaks into the configuration.
pub fn command(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("MINI_XDR__SERVER__DATA_DIR", data_dir)
        .env("MINI_XDR__LOG__FORMAT", "json")
        .env("MINI_XDR__AUTH__BCRYPT_COST", "4");
    cmd
}

pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    pub fn start(cmd: Command) -> Server {
        Self::start_on(cmd, "127.0.0.1:0")
    }

    /// Serves on `bind` (e.g. a port chosen beforehand, to restart on the same address).
    pub fn start_on(mut cmd: Command, bind: &str) -> Server {
        let mut child = cmd
            .args(["serve", "--bind", bind])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) else {
                continue;
            };
            if let Ok(json) = serde_json::from_str::<serde_json::Value>(&line)
                && json["fields"]["message"] == "mini-xdr listening"
            {
                let addr = json["fields"]["address"].as_str().unwrap().to_owned();
                return Server { child, addr };
            }
            seen.push(line);
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start; log:\n{}", seen.join("\n"));
    }

    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
        self.request_as(method, path, body, None)
    }

    /// A request with `Authorization: Bearer <token>` when `token` is given.
    pub fn request_as(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        token: Option<&str>,
    ) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = body.unwrap_or("");
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default(),
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split(' ').nth(1).unwrap().parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    pub fn terminate(self) -> std::process::ExitStatus {
        self.signal("TERM");
        self.wait_exit(STOP_TIMEOUT).0
    }

    /// Sends `SIG<name>` (e.g. `TERM`, `INT`) to the server.
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args([&format!("-{name}"), &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    /// The exit status and how long it took to come, at most `within` (else the test fails).
    pub fn wait_exit(mut self, within: Duration) -> (std::process::ExitStatus, Duration) {
        let started = Instant::now();
        while started.elapsed() < within {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("server did not stop within {within:?}");
    }
}

fn serve_register_and_stop(backend: Backend) {
    let data_dir = temp_dir("serve");
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let mut cmd = command(&data_dir);
    if let Some(db) = &db {
        cmd.env("MINI_XDR__DATABASE__URL", db.url());
    }
    let server = Server::start(cmd);
    assert_eq!(server.request("GET", "/healthz", None).0, 200);
    assert_eq!(server.request("GET", "/readyz", None).0, 200);
    let body = r#"{"organization_name":"Acme","admin_email":"ada@acme.example","admin_password":"violet tractor mango fjord","admin_name":"Ada"}"#;
    let (status, reply) = server.request("POST", "/api/v1/auth/register", Some(body));
    assert_eq!(status, 201, "{reply}");
    assert_eq!(server.request("GET", "/api/openapi.json", None).0, 200);
    // First start generated private signing keys.
    let keys = data_dir.join("jwt-keys.json");
    assert_eq!(
        std::fs::metadata(&keys).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let status = server.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
    if backend == Backend::Sqlite {
        assert!(data_dir.join("mini-xdr.db").exists());
    }
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn serve_on_sqlite() {
    serve_register_and_stop(Backend::Sqlite);
}

#[test]
fn serve_on_postgres() {
    serve_register_and_stop(Backend::Postgres);
}

#[test]
fn restart_keeps_keys_and_data() {
    let data_dir = temp_dir("restart");
    let body = r#"{"email":"ada@acme.example","password":"violet tractor mango fjord"}"#;
    let register = r#"{"organization_name":"Acme","admin_email":"ada@acme.example","admin_password":"violet tractor mango fjord","admin_name":"Ada"}"#;
    let first = Server::start(command(&data_dir));
    assert_eq!(
        first
            .request("POST", "/api/v1/auth/register", Some(register))
            .0,
        201
    );
    let (_, login) = first.request("POST", "/api/v1/auth/login", Some(body));
    assert!(first.terminate().success());
    let keys_before = std::fs::read_to_string(data_dir.join("jwt-keys.json")).unwrap();
    let second = Server::start(command(&data_dir));
    assert_eq!(
        second.request("POST", "/api/v1/auth/login", Some(body)).0,
        200
    );
    assert!(login.contains("access_token"));
    assert!(second.terminate().success());
    assert_eq!(
        std::fs::read_to_string(data_dir.join("jwt-keys.json")).unwrap(),
        keys_before
    );
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn config_check_redacts_secrets() {
    let data_dir = temp_dir("check");
    let secret = "super-secret-jwt-key-that-is-long-enough-1234";
    let output = command(&data_dir)
        .env("MINI_XDR__AUTH__JWT_SECRET", secret)
        .env(
            "MINI_XDR__DATABASE__URL",
            "postgres://app:hunter2-password@db.internal/xdr",
        )
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("bind"));
    assert!(!text.contains(secret));
    assert!(!text.contains("hunter2-password"));
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn invalid_configuration_fails_with_a_clear_message() {
    let data_dir = temp_dir("invalid");
    let output = command(&data_dir)
        .env("MINI_XDR__DATABASE__URL", "mysql://localhost/db")
        .args(["migrate"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database.url"), "{stderr}");
    let short = command(&data_dir)
        .env("MINI_XDR__AUTH__JWT_SECRET", "too-short")
        .args(["serve"])
        .output()
        .unwrap();
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("32"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn migrate_creates_the_sqlite_database() {
    let data_dir = temp_dir("migrate");
    let output = command(&data_dir).arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(data_dir.join("mini-xdr.db").exists());
    // Running it again is a no-op.
    assert!(
        command(&data_dir)
            .arg("migrate")
            .output()
            .unwrap()
            .status
            .success()
    );
    std::fs::remove_dir_all(&data_dir).unwrap();
}
