//! A minimal HTTPS client for the binary TLS tests: rustls over one kept-alive connection,
//! showing the certificate the server presented.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use xdr_crypto::tls::test_certs::TestCa;
use xdr_crypto::tls::{Trust, client_config};

use crate::binary_lifecycle::connect;

/// An HTTPS connection trusting only `ca`, kept open across requests.
pub struct Https {
    stream: StreamOwned<ClientConnection, TcpStream>,
    addr: String,
}

impl Https {
    pub fn connect(addr: &str, ca: &TestCa) -> Self {
        let config = client_config(Trust::PemBundle(ca.cert_pem.as_bytes())).unwrap();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let conn = ClientConnection::new(Arc::new(config), name).unwrap();
        let mut stream = StreamOwned::new(conn, connect(addr));
        while stream.conn.is_handshaking() {
            stream.conn.complete_io(&mut stream.sock).unwrap();
        }
        Self {
            stream,
            addr: addr.to_owned(),
        }
    }

    /// The leaf certificate (DER) the server presented on this connection.
    pub fn leaf(&self) -> Vec<u8> {
        self.stream.conn.peer_certificates().unwrap()[0].to_vec()
    }

    /// `GET path` on this connection: (status, head in lower case, body).
    pub fn get(&mut self, path: &str) -> (u16, String, String) {
        write!(
            self.stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        self.stream.flush().unwrap();
        read_answer_from(&mut self.stream)
    }
}

/// One answer (status, head in lower case, body) from any stream.
fn read_answer_from(stream: &mut impl Read) -> (u16, String, String) {
    let mut bytes = Vec::new();
    let mut byte = [0u8; 1];
    while !bytes.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "closed mid-answer");
        bytes.push(byte[0]);
    }
    let head = String::from_utf8(bytes).unwrap().to_ascii_lowercase();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    (status, head, String::from_utf8(body).unwrap())
}
