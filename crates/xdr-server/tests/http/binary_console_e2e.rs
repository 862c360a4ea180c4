//! The web console end to end in a real browser: `tests/console-e2e/console.test.mjs`, run by
//! `node --test`, drives Debian's Chromium through playwright-core against a real `mini-xdr`
//! (agent among its downloads): registration, onboarding with a real agent installed by the
//! wizard's command, an incident resolved, an invited analyst in a second browser context.
//! On both databases. `.ci/run` installs chromium and the npm package; without them this test
//! fails and says what is missing.
//!
//! `MINI_XDR_CONSOLE_SCREENSHOTS=<dir>` makes the SQLite run save the screenshots of
//! docs/console.md there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::binary_onboarding::Setup;
use crate::common::Backend;

const CHROMIUM: &str = "/usr/bin/chromium";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/console-e2e")
}

fn require_tools(dir: &Path) {
    let missing: Vec<&str> = [
        (
            Path::new(CHROMIUM).is_file(),
            "chromium (apt-get install chromium)",
        ),
        (
            dir.join("node_modules/playwright-core").is_dir(),
            "playwright-core (npm ci --prefix tests/console-e2e)",
        ),
        (
            Command::new("node").arg("--version").output().is_ok(),
            "node (apt-get install nodejs)",
        ),
    ]
    .into_iter()
    .filter(|(present, _)| !present)
    .map(|(_, what)| what)
    .collect();
    assert!(
        missing.is_empty(),
        "the console's end-to-end test needs {missing:?}; .ci/run installs them"
    );
}

fn the_console_takes_a_new_organization_to_a_resolved_incident(backend: Backend) {
    let dir = e2e_dir();
    require_tools(&dir);
    let setup = Setup::new(backend);
    let server = setup.start();
    let work = setup.dir.join("e2e");
    std::fs::create_dir_all(&work).unwrap();
    let mut node = Command::new("node");
    node.arg("--test")
        .arg("--test-reporter=spec")
        .arg("console.test.mjs")
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &work)
        .env("BASE_URL", format!("http://127.0.0.1:{}", setup.port))
        .env("SCAN_PORT", setup.port.to_string())
        .env("WORK_DIR", &work)
        .env("CHROMIUM", CHROMIUM);
    if backend == Backend::Sqlite
        && let Ok(shots) = std::env::var("MINI_XDR_CONSOLE_SCREENSHOTS")
    {
        node.env("SCREENSHOTS", shots);
    }
    let out = node.output().unwrap();
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "node --test failed:\n{report}");
    let panics: Vec<String> = server
        .log_lines(std::time::Duration::from_millis(200))
        .into_iter()
        .filter(|l| l.contains("panicked"))
        .collect();
    assert!(panics.is_empty(), "the server panicked: {panics:?}");
    assert!(server.terminate().success());
}

#[test]
fn sqlite() {
    the_console_takes_a_new_organization_to_a_resolved_incident(Backend::Sqlite);
}

#[test]
fn postgres() {
    the_console_takes_a_new_organization_to_a_resolved_incident(Backend::Postgres);
}
