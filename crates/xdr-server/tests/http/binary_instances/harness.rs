//! The two instances of `binary_instances` and raw HTTP to them (with extra headers, and the
//! response headers read back).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use xdr_persistence::test_support::TestDatabase;

use crate::binary_server::{Server, command, temp_dir};
use crate::common::{Backend, register_body, test_database};

const EMAIL: &str = "ada@acme.example";

/// Instance A, then instance B, on one data directory and one database. The servers are
/// declared before the database, so they stop before it is dropped.
pub(super) struct Instances {
    pub(super) a: Server,
    pub(super) b: Server,
    _db: Option<TestDatabase>,
    dir: PathBuf,
}

impl Instances {
    pub(super) fn start(backend: Backend, tag: &str) -> Instances {
        let dir = temp_dir(tag);
        let db = (backend == Backend::Postgres).then(|| test_database(backend));
        let instance = || {
            let mut cmd = command(&dir);
            if let Some(db) = &db {
                cmd.env("MINI_XDR__DATABASE__URL", db.url());
            }
            cmd.env("MINI_XDR__AUTH__LOCKOUT_MAX_FAILURES", "5")
                .env("MINI_XDR__AUTH__SESSION_CACHE_TTL_MS", "1000");
            Server::start(cmd)
        };
        // A generates the keys and migrates before B starts.
        let a = instance();
        let b = instance();
        Instances { a, b, _db: db, dir }
    }

    pub(super) fn stop(self) {
        let Instances { a, b, _db: db, dir } = self;
        a.terminate();
        b.terminate();
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

pub(super) struct Answer {
    pub(super) status: u16,
    headers: Vec<(String, String)>,
    pub(super) body: Value,
}

impl Answer {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    pub(super) fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    #[track_caller]
    pub(super) fn expect(&self, status: u16, code: &str, what: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "{what}: {}",
            self.body
        );
    }
}

/// One HTTP/1.1 request on a new connection with the extra `headers`: the status, the response
/// headers and the body (JSON, `null` when empty).
pub(super) fn send(
    server: &Server,
    method: &str,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let extra: String = headers
        .iter()
        .map(|(n, v)| format!("{n}: {v}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap()
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// A POST with `body` (none when `null`), as `token` when given.
pub(super) fn post(server: &Server, path: &str, body: &Value, token: Option<&str>) -> Answer {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|b| ("Authorization", b.as_str()))
        .collect();
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    send(server, "POST", path, &body, &headers)
}

pub(super) fn me(server: &Server, token: &str) -> Answer {
    let bearer = format!("Bearer {token}");
    send(
        server,
        "GET",
        "/api/v1/auth/me",
        "",
        &[("Authorization", &bearer)],
    )
}

pub(super) fn login(server: &Server, password: &str) -> Answer {
    post(
        server,
        "/api/v1/auth/login",
        &json!({"email": EMAIL, "password": password}),
        None,
    )
}

pub(super) fn refresh(server: &Server, refresh_token: &str) -> Answer {
    post(
        server,
        "/api/v1/auth/refresh",
        &json!({"refresh_token": refresh_token}),
        None,
    )
}

pub(super) fn field(answer: &Answer, name: &str) -> String {
    answer.body[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name}: {}", answer.body))
        .to_owned()
}

/// Registers Acme's admin on `server`: the registration's token pair.
pub(super) fn register(server: &Server) -> Answer {
    let registered = post(
        server,
        "/api/v1/auth/register",
        &register_body("Acme", EMAIL),
        None,
    );
    assert_eq!(registered.status, 201, "{}", registered.body);
    registered
}
