//! The real binary warns when it connects to PostgreSQL as a role that row-level security does
//! not apply to (a superuser or a `BYPASSRLS` role), and only then.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

use crate::common::{Backend, test_database};
use xdr_server::startup::ROW_SECURITY_BYPASSED;

const BIN: &str = env!("CARGO_BIN_EXE_mini-xdr");

/// `mini-xdr migrate` (it opens the database like `serve` does) against `url`.
fn migrate(url: &str) -> Output {
    let data_dir = std::env::temp_dir().join(format!(
        "mini-xdr-bin-rls-{}",
        uuid::Uuid::now_v7().simple()
    ));
    let output = Command::new(BIN)
        .env_clear()
        .env("MINI_XDR__SERVER__DATA_DIR", &data_dir)
        .env("MINI_XDR__DATABASE__URL", url)
        .env("MINI_XDR__LOG__FORMAT", "json")
        .arg("migrate")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn warned(output: &Output) -> bool {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .any(|line| line.contains(ROW_SECURITY_BYPASSED) && line.contains("WARN"))
}

#[test]
fn connecting_as_a_superuser_is_warned_about() {
    let db = test_database(Backend::Postgres);
    let as_superuser = migrate(&db.admin_url().unwrap());
    assert!(
        warned(&as_superuser),
        "{}",
        String::from_utf8_lossy(&as_superuser.stderr)
    );
    let as_application = migrate(db.url());
    assert!(
        !warned(&as_application),
        "{}",
        String::from_utf8_lossy(&as_application.stderr)
    );
}
