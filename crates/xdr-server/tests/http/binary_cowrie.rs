//! Agentless ingest with a sender no one here wrote: `tests/cowrie/run.sh` installs cowrie from
//! PyPI (into `target/cowrie-venv`, once), points its own Splunk output at this build's
//! `mini-xdr`, attacks it with failed SSH logins from 127.0.0.7, and requires an
//! `ssh_brute_force` incident in the token's organization and in no other — on SQLite, then
//! on PostgreSQL. One test, so that the two runs never install cowrie at the same time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use xdr_persistence::test_support::pg_admin_url;

#[test]
fn a_real_cowrie_honeypot_opens_an_incident() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cowrie/run.sh");
    for backend in ["sqlite", "postgres"] {
        let out = Command::new("bash")
            .arg(&script)
            .env("MINI_XDR_BIN", env!("CARGO_BIN_EXE_mini-xdr"))
            .env("BACKEND", backend)
            .env("MINI_XDR_BENCH_PG", pg_admin_url())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("PASS"),
            "{backend}: {}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("from 127.0.0.7"), "{stdout}");
    }
}
