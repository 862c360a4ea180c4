//! The agent against a real TLS server on 127.0.0.1 with certificates made by the test: which
//! servers `enroll` talks to (pin, CA file) and that plain `http://` stays on this host.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustls::{ServerConnection, StreamOwned};
use xdr_crypto::tls::test_certs::{TestCa, TestLeaf};
use xdr_crypto::tls::{SwappableCert, certified_key, server_config};
use zeroize::Zeroizing;

use crate::client::AgentClient;
use crate::enroll::{EnrollError, EnrollOptions, enroll};
use crate::reply::ClientError;
use crate::state::AgentState;
use crate::testdir::TestDir;
use crate::trust::ServerTrust;

const ENROLLED: &str = r#"{"agent_id":"a1","agent_secret":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8","heartbeat_interval_seconds":20,"server_time":"2026-01-01T00:00:00Z"}"#;

/// An HTTPS server answering every request with a 201 enrollment; counts connections and
/// the requests that arrived through a finished handshake.
struct TlsServer {
    url: String,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

fn read_request(stream: &mut impl Read) -> Option<()> {
    let (mut data, mut chunk) = (Vec::new(), [0u8; 4096]);
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&data);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return Some(());
            }
        }
    }
}

impl TlsServer {
    fn start(ca: &TestCa, leaf: &TestLeaf) -> Self {
        let key = certified_key(leaf.chain_pem(ca).as_bytes(), leaf.key_pem.as_bytes()).unwrap();
        let config = Arc::new(server_config(Arc::new(SwappableCert::new(key))).unwrap());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let (connections, requests) = (Arc::default(), Arc::default());
        let (c, r): (Arc<AtomicUsize>, Arc<AtomicUsize>) =
            (Arc::clone(&connections), Arc::clone(&requests));
        std::thread::spawn(move || {
            for tcp in listener.incoming() {
                let Ok(tcp) = tcp else { break };
                c.fetch_add(1, Ordering::SeqCst);
                tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let conn = ServerConnection::new(Arc::clone(&config)).unwrap();
                let mut tls = StreamOwned::new(conn, tcp);
                if read_request(&mut tls).is_none() {
                    continue;
                }
                r.fetch_add(1, Ordering::SeqCst);
                let reply = format!(
                    "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{ENROLLED}",
                    ENROLLED.len()
                );
                let _ = tls.write_all(reply.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            }
        });
        Self {
            url,
            connections,
            requests,
        }
    }
}

fn options(url: &str, dir: &TestDir, trust: ServerTrust) -> EnrollOptions {
    EnrollOptions {
        server_url: url.to_owned(),
        token: Zeroizing::new("tok".into()),
        state_dir: dir.path().join("state"),
        hostname: Some("web1".into()),
        replaces: None,
        ca_file: trust.ca_file,
        pin: trust.pin,
        retry_base: Duration::from_millis(1),
    }
}

fn pinned(leaf: &TestLeaf) -> ServerTrust {
    ServerTrust {
        ca_file: None,
        pin: Some(leaf.pin()),
    }
}

fn untrusted(result: Result<AgentState, EnrollError>) -> bool {
    matches!(
        result,
        Err(EnrollError::Client(ClientError::UntrustedServer(_)))
    )
}

#[tokio::test]
async fn enrolls_with_the_right_pin_and_keeps_it_for_run() {
    let dir = TestDir::new("tls-pin");
    let ca = TestCa::new("ca");
    let leaf = ca.leaf(&["127.0.0.1"]);
    let server = TlsServer::start(&ca, &leaf);
    let state = enroll(&options(&server.url, &dir, pinned(&leaf)))
        .await
        .unwrap();
    assert_eq!(state.agent_id.as_deref(), Some("a1"));
    let saved = AgentState::load(&dir.path().join("state"))
        .unwrap()
        .unwrap();
    assert_eq!(saved.pin, Some(leaf.pin()));
    assert_eq!(saved.credentials().unwrap().trust, pinned(&leaf));
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_wrong_pin_is_refused_at_once_and_nothing_is_sent() {
    let dir = TestDir::new("tls-wrong-pin");
    let ca = TestCa::new("ca");
    let (leaf, other) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let server = TlsServer::start(&ca, &leaf);
    let result = enroll(&options(&server.url, &dir, pinned(&other))).await;
    assert!(untrusted(result));
    // One connection: a refused certificate is not retried, and the token never left.
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_ca_file_is_trusted_and_another_ca_refused() {
    let dir = TestDir::new("tls-ca");
    let (ca, other) = (TestCa::new("ca"), TestCa::new("other"));
    let server = TlsServer::start(&ca, &ca.leaf(&["127.0.0.1"]));
    let (good, bad) = (dir.path().join("ca.pem"), dir.path().join("other.pem"));
    std::fs::write(&good, &ca.cert_pem).unwrap();
    std::fs::write(&bad, &other.cert_pem).unwrap();
    let trust = |path: &std::path::Path| ServerTrust {
        ca_file: Some(path.to_owned()),
        pin: None,
    };
    let refused = enroll(&options(&server.url, &dir, trust(&bad))).await;
    assert!(untrusted(refused));
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
    let state = enroll(&options(&server.url, &dir, trust(&good)))
        .await
        .unwrap();
    assert_eq!(
        state.ca_file.as_deref(),
        Some(good.canonicalize().unwrap().as_path())
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn plain_http_is_refused_except_to_this_host() {
    let none = ServerTrust::default();
    for url in [
        "http://192.0.2.10:8080",
        "http://10.0.0.1",
        "http://xdr.example.com",
        "http://[2001:db8::1]:8080",
        "http://127.0.0.1.example.com",
    ] {
        assert!(
            matches!(AgentClient::new(url, &none), Err(ClientError::PlainHttp(_))),
            "{url}"
        );
    }
    for url in [
        "http://127.0.0.1:1",
        "http://127.8.9.10:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://192.0.2.10",
    ] {
        assert!(AgentClient::new(url, &none).is_ok(), "{url}");
    }
    // Refused before anything is written or sent.
    let dir = TestDir::new("tls-http");
    let result = enroll(&options("http://192.0.2.10:8080", &dir, none)).await;
    assert!(matches!(
        result,
        Err(EnrollError::Client(ClientError::PlainHttp(_)))
    ));
    assert!(
        AgentState::load(&dir.path().join("state"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_ca_file_and_a_pin_together_are_refused() {
    let dir = TestDir::new("tls-both");
    let ca = TestCa::new("ca");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, &ca.cert_pem).unwrap();
    let both = ServerTrust {
        ca_file: Some(path),
        pin: Some(ca.leaf(&["127.0.0.1"]).pin()),
    };
    assert!(matches!(
        AgentClient::new("https://127.0.0.1:1", &both),
        Err(ClientError::Tls(_))
    ));
}
