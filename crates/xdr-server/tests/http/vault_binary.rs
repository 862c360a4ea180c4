//! The vault through the real `mini-xdr` binary: the generated keys file, `keys rotate --kind
//! vault`, `vault rewrap` while the server serves, retiring the old key, and start-up refusing
//! a key ring that cannot open what is stored. Every log line of every run is searched for
//! secrets (logging at TRACE level).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::binary_server::http_request;
use crate::common::credentials::*;
use crate::common::{Backend, test_database};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_mini-xdr");
const TIMEOUT: Duration = Duration::from_secs(60);

fn command(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("MINI_XDR__SERVER__DATA_DIR", data_dir)
        .env("MINI_XDR__LOG__FORMAT", "json")
        .env("MINI_XDR__LOG__LEVEL", "trace")
        .env("MINI_XDR__AUTH__BCRYPT_COST", "4");
    if let Some(url) = database_url {
        cmd.env("MINI_XDR__DATABASE__URL", url);
    }
    cmd
}

/// A running server whose stderr is kept line by line.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(mut cmd: Command) -> Server {
        let mut child = cmd
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            let listening = log.lock().unwrap().iter().find_map(|line| {
                let json: Value = serde_json::from_str(line).ok()?;
                (json["fields"]["message"] == "mini-xdr listening")
                    .then(|| json["fields"]["address"].as_str().unwrap().to_owned())
            });
            if let Some(addr) = listening {
                return Server { child, addr, log };
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server did not start:\n{}", log.lock().unwrap().join("\n"));
    }

    /// Stops the server (SIGTERM) and returns everything it logged.
    fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status:?}");
        std::thread::sleep(Duration::from_millis(100));
        self.log.lock().unwrap().join("\n")
    }
}

fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let body = body.map(Value::to_string);
    let (status, reply) = http_request(addr, method, path, body.as_deref(), token);
    (status, serde_json::from_str(&reply).unwrap_or(Value::Null))
}

/// Runs `cmd` to completion (killing it after the timeout); stdout and stderr as text.
fn run(mut cmd: Command) -> (Output, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

/// `keys rotate --kind vault --data-dir DIR` rotates the keys of DIR (not of `./data` or of the
/// environment's directory) and says which directory and database it acted on.
#[test]
fn operator_commands_act_on_the_data_dir_they_are_given() {
    let (env, flag) = (
        crate::config_support::TempDir::new(),
        crate::config_support::TempDir::new(),
    );
    let (env_dir, flag_dir) = (env.path().join("data"), flag.path().join("data"));
    let mut cmd = command(&env_dir, None);
    cmd.args(["keys", "rotate", "--kind", "vault", "--data-dir"])
        .arg(&flag_dir);
    let (output, text) = run(cmd);
    assert!(output.status.success(), "{text}");
    assert!(flag_dir.join("vault-keys.json").exists(), "{text}");
    assert!(!env_dir.join("vault-keys.json").exists(), "{text}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("data directory {}", flag_dir.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "database sqlite://{}",
            flag_dir.join("mini-xdr.db").display()
        )),
        "{stderr}"
    );
}

fn write_keys_file(path: &Path, file: &Value) {
    std::fs::write(path, file.to_string()).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn rotate_rewrap_retire_and_refuse(backend: Backend) {
    let data_dir: PathBuf =
        std::env::temp_dir().join(format!("mini-xdr-vault-{}", uuid::Uuid::now_v7().simple()));
    let db = (backend == Backend::Postgres).then(|| test_database(backend));
    let url = db.as_ref().map(|d| d.url().to_owned());
    let cmd = || command(&data_dir, url.as_deref());
    let mut logs = Vec::new();

    // First start: the vault keys file is generated, private.
    let server = Server::start(cmd());
    let register = json!({"organization_name": "Acme", "admin_email": "ada@acme.example",
                          "admin_password": crate::common::PASSWORD, "admin_name": "Ada"});
    let (_, registered) = request(
        &server.addr,
        "POST",
        "/api/v1/auth/register",
        None,
        Some(&register),
    );
    let token = registered["access_token"].as_str().unwrap().to_owned();
    for body in [credential_body("long"), temporary_body("temp")] {
        let (status, view) = request(
            &server.addr,
            "POST",
            "/api/v1/credentials",
            Some(&token),
            Some(&body),
        );
        assert_eq!((status, &view["status"]), (201, &json!("ok")));
    }
    logs.push(server.stop());
    let keys_path = data_dir.join("vault-keys.json");
    assert_eq!(
        std::fs::metadata(&keys_path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Rotate: version 2 is added and active; version 1 stays.
    let mut rotate = cmd();
    rotate.args(["keys", "rotate", "--kind", "vault"]);
    let (output, text) = run(rotate);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("vault key version 2 is active"), "{text}");
    logs.push(text);
    let keys: Value = serde_json::from_str(&std::fs::read_to_string(&keys_path).unwrap()).unwrap();
    assert_eq!(keys["active_version"], 2);
    assert!(keys["keys"]["1"].is_string() && keys["keys"]["2"].is_string());

    // Restarted server keeps answering while rewrap runs beside it.
    let server = Server::start(cmd());
    let stop = Arc::new(AtomicBool::new(false));
    let (addr, traffic_token, stopping) = (server.addr.clone(), token.clone(), Arc::clone(&stop));
    let traffic = std::thread::spawn(move || {
        let mut seen = Vec::new();
        while !stopping.load(Ordering::Relaxed) || seen.is_empty() {
            seen.push(request(
                &addr,
                "GET",
                "/api/v1/credentials",
                Some(&traffic_token),
                None,
            ));
        }
        seen
    });
    let mut rewrap = cmd();
    rewrap.args(["vault", "rewrap", "--batch-size", "1"]);
    let (output, text) = run(rewrap);
    stop.store(true, Ordering::Relaxed);
    assert!(output.status.success(), "{text}");
    let report: Value =
        serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).unwrap();
    assert_eq!(report["resealed"], 5, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["secrets_per_key_version"], json!({"1": 0, "2": 5}));
    assert_eq!(report["retirable_versions"], json!([1]));
    logs.push(text);
    for (status, body) in traffic.join().unwrap() {
        assert_eq!(status, 200, "{body}");
        assert!(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["status"] == "ok"),
            "{body}"
        );
    }
    logs.push(server.stop());

    // Retire key 1: the server starts and opens everything with key 2 alone.
    let mut retired = keys.clone();
    retired["keys"].as_object_mut().unwrap().remove("1");
    write_keys_file(&keys_path, &retired);
    let server = Server::start(cmd());
    let (status, list) = request(
        &server.addr,
        "GET",
        "/api/v1/credentials",
        Some(&token),
        None,
    );
    assert_eq!(status, 200);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"] == "ok"),
        "{list}"
    );
    logs.push(server.stop());

    // A key ring without version 2: start-up refuses, naming the version.
    let lost = json!({"active_version": 3, "keys": {"3": keys["keys"]["1"]}});
    write_keys_file(&keys_path, &lost);
    let mut serve = cmd();
    serve.args(["serve", "--bind", "127.0.0.1:0"]);
    let (output, text) = run(serve);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("vault key version(s) 2 (5 values)"), "{text}");
    logs.push(text);

    for log in &logs {
        assert_no_secrets("the server's log", log);
    }
    assert!(
        logs.iter().any(|l| l.contains("TRACE")),
        "logging ran at TRACE level"
    );
    std::fs::remove_dir_all(&data_dir).unwrap();
}

#[test]
fn vault_on_sqlite() {
    rotate_rewrap_retire_and_refuse(Backend::Sqlite);
}

#[test]
fn vault_on_postgres() {
    rotate_rewrap_retire_and_refuse(Backend::Postgres);
}
