//! The real `mini-xdr` binary: serve on a fresh data directory, answer, stop on SIGTERM; and the
//! operator commands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;

pub use crate::binary_server::{Server, command, temp_dir};
use crate::common::{Backend, test_database};

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
