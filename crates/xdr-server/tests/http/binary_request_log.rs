//! The real `mini-xdr` binary's log: JSON off a terminal unless configured, and the request id
//! on the lines of a request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::binary::{Server, command, temp_dir};
use crate::binary_lifecycle::{connect, read_answer};

fn migrate_log(data_dir: &Path, format: Option<&str>) -> String {
    let mut cmd: Command = command(data_dir);
    cmd.env_remove("MINI_XDR__LOG__FORMAT");
    if let Some(format) = format {
        cmd.env("MINI_XDR__LOG__FORMAT", format);
    }
    let output = cmd.arg("migrate").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// stderr is a pipe here: JSON unless `log.format` says otherwise.
#[test]
fn logs_are_json_off_a_terminal_unless_configured() {
    let data_dir = temp_dir("logformat");
    let auto = migrate_log(&data_dir, None);
    let lines: Vec<&str> = auto.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!lines.is_empty(), "{auto}");
    for line in lines {
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(json["fields"]["message"].is_string(), "{line}");
    }
    let pretty = migrate_log(&data_dir, Some("pretty"));
    assert!(pretty.contains("INFO"), "{pretty}");
    assert!(!pretty.lines().any(|l| l.starts_with('{')), "{pretty}");
    std::fs::remove_dir_all(&data_dir).unwrap();
}

/// At `log.level = "warn"` a warning inside a request still carries the request's id (the span
/// is enabled at every level), in the JSON log of the real binary, with a trusted proxy's id.
#[test]
fn a_warning_in_a_request_carries_its_request_id() {
    let data_dir = temp_dir("requestid");
    let mut cmd = command(&data_dir);
    cmd.env("MINI_XDR__LOG__LEVEL", "warn,xdr_server::serve=info")
        .env("MINI_XDR__SERVER__TRUSTED_PROXIES", "127.0.0.1");
    let server = Server::start(cmd);
    let register = r#"{"organization_name":"Acme","admin_email":"ada@acme.example","admin_password":"violet tractor mango fjord","admin_name":"Ada"}"#;
    let (status, body) = server.request("POST", "/api/v1/auth/register", Some(register));
    assert_eq!(status, 201, "{body}");
    let refresh_token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = format!(r#"{{"refresh_token":"{refresh_token}"}}"#);
    assert_eq!(
        server
            .request("POST", "/api/v1/auth/refresh", Some(&refresh))
            .0,
        200
    );
    // The spent token again: reuse, logged as a warning.
    let mut stream = connect(&server.addr);
    write!(
        stream,
        "POST /api/v1/auth/refresh HTTP/1.1\r\nHost: x\r\nX-Request-Id: reuse-check-1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{refresh}",
        refresh.len()
    )
    .unwrap();
    let (status, head, _) = read_answer(&mut stream);
    assert_eq!(status, 401);
    assert!(head.contains("x-request-id: reuse-check-1"), "{head}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = Vec::new();
    let found = loop {
        seen.extend(server.log_lines(Duration::from_millis(200)));
        let warning = seen
            .iter()
            .find(|l| l.contains("refresh token reuse detected"));
        if let Some(line) = warning {
            break serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "no reuse warning in:\n{}",
            seen.join("\n")
        );
    };
    assert_eq!(found["level"], "WARN");
    assert_eq!(found["span"]["request_id"], "reuse-check-1", "{found}");
    assert!(server.terminate().success());
    std::fs::remove_dir_all(&data_dir).unwrap();
}
