//! `docs/onboarding.md`, end to end, with the real binaries: a `mini-xdr` server with the
//! agent in its downloads directory; an organization that registers, starts the wizard, fills
//! its profile and scans 127.0.0.1; the Linux install script of a fresh token, run with
//! `--no-service` in a temp dir (it downloads and checks the agent, enrolls and runs it); a
//! cowrie log the test appends to until an incident opens; validation and completion. Then the
//! server stops while the agent holds events, restarts, and every event arrives exactly once.
//! On both databases.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::binary::{Server, command, temp_dir};
use crate::binary_server::call;
use crate::common::{Backend, test_database};
use xdr_persistence::test_support::TestDatabase;

const PASSWORD: &str = "violet tractor mango fjord";

/// The agent binary cargo built next to `mini-xdr` (`cargo test --workspace` builds it).
fn agent_binary() -> PathBuf {
    let path = Path::new(env!("CARGO_BIN_EXE_mini-xdr")).with_file_name("mini-xdr-agent");
    assert!(
        path.is_file(),
        "{} is missing: build it first (cargo build -p xdr-agent) or run cargo test --workspace",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server directory with the agent among its downloads, a free port, and on PostgreSQL a
/// fresh database (the console's end-to-end test uses it too).
pub(crate) struct Setup {
    pub(crate) dir: PathBuf,
    pub(crate) port: u16,
    db: Option<TestDatabase>,
}

impl Setup {
    pub(crate) fn new(backend: Backend) -> Self {
        let dir = temp_dir("onboarding");
        let downloads = dir.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        std::fs::copy(
            agent_binary(),
            downloads.join("mini-xdr-agent-linux-x86_64"),
        )
        .unwrap();
        let db = (backend == Backend::Postgres).then(|| test_database(backend));
        Self {
            dir,
            port: free_port(),
            db,
        }
    }

    pub(crate) fn start(&self) -> Server {
        let mut cmd = command(&self.dir.join("data"));
        cmd.env("MINI_XDR__DOWNLOADS__DIRECTORY", self.dir.join("downloads"))
            .env(
                "MINI_XDR__SERVER__PUBLIC_URL",
                format!("http://127.0.0.1:{}", self.port),
            )
            .env("MINI_XDR__AGENTS__HEARTBEAT_INTERVAL_SECONDS", "5");
        if let Some(db) = &self.db {
            cmd.env("MINI_XDR__DATABASE__URL", db.url());
        }
        Server::start_on(cmd, &format!("127.0.0.1:{}", self.port))
    }
}

fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} (the agent's log is agent.log in the test's directory)"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn append_failed_logins(log: &Path, from: usize, n: usize) {
    let mut file = std::fs::OpenOptions::new().append(true).open(log).unwrap();
    let now = chrono::Utc::now().to_rfc3339();
    for i in from..from + n {
        writeln!(
            file,
            r#"{{"eventid":"cowrie.login.failed","src_ip":"203.0.113.66","username":"root","password":"p{i}","session":"s{i}","timestamp":"{now}"}}"#
        )
        .unwrap();
    }
    file.sync_all().unwrap();
}

fn events_from_agent(server: &Server, token: &str) -> usize {
    let page = call(server, token, "GET", "/api/v1/events?limit=500", None);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["agent_id"].is_string())
        .count()
}

/// Runs the token's Linux install script with `--no-service`: the agent stays in the
/// foreground, following `log`.
fn install_agent(script: &str, dir: &Path, log: &Path) -> Child {
    let path = dir.join("install.sh");
    std::fs::write(&path, script).unwrap();
    Command::new("bash")
        .arg(&path)
        .arg("--no-service")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MINI_XDR_PREFIX", dir.join("prefix"))
        .env("MINI_XDR_AGENT_STATE_DIR", dir.join("agent-state"))
        .env("MINI_XDR_AGENT_LOGS", log)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("agent.log")).unwrap())
        .spawn()
        .unwrap()
}

fn stop(mut agent: Child) -> std::process::ExitStatus {
    let pid = agent.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = agent.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = agent.kill();
            panic!("the agent did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn a_new_organization_onboards_with_a_real_agent(backend: Backend) {
    let setup = Setup::new(backend);
    let server = setup.start();
    let register = json!({"organization_name": "Acme", "admin_email": "ada@acme.example",
                          "admin_password": PASSWORD, "admin_name": "Ada"});
    let (status, reply) =
        server.request("POST", "/api/v1/auth/register", Some(&register.to_string()));
    assert_eq!(status, 201, "{reply}");
    let reply: Value = serde_json::from_str(&reply).unwrap();
    let token = reply["access_token"].as_str().unwrap().to_owned();
    let t = token.as_str();
    let o = "/api/v1/onboarding";

    call(&server, t, "POST", &format!("{o}/start"), None);
    let profile = json!({"region": "eu-west", "industry": "finance", "company_size": "1-50"});
    call(&server, t, "POST", &format!("{o}/profile"), Some(profile));
    let scan = json!({"network_ranges": ["127.0.0.1/32"], "ports": [setup.port]});
    let started = call(&server, t, "POST", &format!("{o}/network-scan"), Some(scan));
    let scan_id = started["scan_id"].as_str().unwrap().to_owned();
    until("the scan", Duration::from_secs(60), || {
        call(
            &server,
            t,
            "GET",
            &format!("{o}/network-scan/{scan_id}"),
            None,
        )["status"]
            == "completed"
    });
    let status = call(&server, t, "GET", &format!("{o}/status"), None);
    assert_eq!(status["current_step"], "agents", "{status}");

    let issued = call(
        &server,
        t,
        "POST",
        &format!("{o}/generate-agent-token"),
        Some(json!({"platform": "linux", "label": "this host"})),
    );
    let script = issued["install_scripts"]["linux"].as_str().unwrap();
    let log = setup.dir.join("cowrie.json");
    std::fs::write(&log, "").unwrap();
    let agent = install_agent(script, &setup.dir, &log);
    until(
        "the agent's first heartbeat",
        Duration::from_secs(60),
        || {
            call(&server, t, "GET", "/api/v1/agents?status=active", None)["items"]
                .as_array()
                .is_some_and(|a| a.len() == 1)
        },
    );
    assert!(
        setup.dir.join("prefix/bin/mini-xdr-agent").is_file(),
        "installed under the prefix"
    );
    let dashboard = call(&server, t, "GET", "/api/v1/dashboard/summary", None);
    assert_eq!(dashboard["active_agents"], 1, "{dashboard}");

    append_failed_logins(&log, 0, 25);
    until(
        "an incident from the agent's events",
        Duration::from_secs(60),
        || {
            call(&server, t, "GET", "/api/v1/incidents", None)["items"]
                .as_array()
                .is_some_and(|i| !i.is_empty())
        },
    );
    until("all 25 events", Duration::from_secs(30), || {
        events_from_agent(&server, t) == 25
    });
    let validation = call(&server, t, "POST", &format!("{o}/validation"), None);
    assert_eq!(validation["all_passed"], true, "{validation}");
    let done = call(
        &server,
        t,
        "POST",
        &format!("{o}/complete"),
        Some(json!({})),
    );
    assert_eq!(done["status"], "completed", "{done}");

    // The server goes away while the agent reads 10 more lines; they wait in its spool.
    assert!(server.terminate().success());
    append_failed_logins(&log, 25, 10);
    std::thread::sleep(Duration::from_secs(3));
    let server = setup.start();
    until("the buffered events", Duration::from_secs(90), || {
        events_from_agent(&server, t) >= 35
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(events_from_agent(&server, t), 35, "every event once");

    assert!(stop(agent).success(), "the agent stops cleanly on SIGTERM");
    assert!(server.terminate().success());
    std::fs::remove_dir_all(&setup.dir).unwrap();
}

#[test]
fn onboarding_end_to_end_on_sqlite() {
    a_new_organization_onboards_with_a_real_agent(Backend::Sqlite);
}

#[test]
fn onboarding_end_to_end_on_postgres() {
    a_new_organization_onboards_with_a_real_agent(Backend::Postgres);
}
