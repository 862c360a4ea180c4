//! A minimal HTTPS client for the binary TLS tests: rustls over one kept-alive connection,
//! showing the certificate the server presented.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use xdr_crypto::tls::test_certs::TestCa;
use xdr_crypto::tls::{Trust, client_config};

use crate::binary_lifecycle::{connect, read_answer};

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
        read_answer(&mut self.stream)
    }
}
