//! The real `mini-xdr` binary as the binary tests run it: a bare environment, a server on a
//! free port whose JSON log is read, and its stop.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    /// The `mini-xdr listening` log line (JSON).
    pub listening: serde_json::Value,
    /// The lines the server writes to stderr after it started listening.
    log: mpsc::Receiver<String>,
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
                return Server {
                    child,
                    addr,
                    listening: json,
                    log: rx,
                };
            }
            seen.push(line);
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start; log:\n{}", seen.join("\n"));
    }

    /// The log lines written since the last call (waiting up to `wait` for the first).
    pub fn log_lines(&self, wait: Duration) -> Vec<String> {
        let mut lines: Vec<String> = self.log.recv_timeout(wait).into_iter().collect();
        lines.extend(self.log.try_iter());
        lines
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
        http_request(&self.addr, method, path, body, token)
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

/// A test that fails before stopping its server must not leave it running (it would hold the
/// test's inherited file descriptors, and its port, after the test process ends).
impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One HTTP/1.1 request to `addr` on a new connection (closed after the answer): the status
/// and the body. `Authorization: Bearer <token>` when `token` is given.
pub fn http_request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
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

/// A JSON request as `token` that must succeed (2xx): the answer's JSON, `Null` when empty.
pub fn call(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let body = body.map(|b| b.to_string());
    let (status, reply) = server.request_as(method, path, body.as_deref(), Some(token));
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {reply}"
    );
    if reply.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&reply).unwrap()
    }
}
