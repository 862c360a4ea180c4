//! Real TLS handshakes between our client and server settings, in memory, with certificates
//! made by the test: which servers each kind of trust accepts, and the certificate swap.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConnection, Connection, ServerConnection};

use super::test_certs::{TestCa, TestLeaf};
use super::*;

/// Moves what `from` has to send into `to`.
fn pass(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut wire = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut wire).unwrap();
    }
    let mut rest = wire.as_slice();
    while !rest.is_empty() {
        to.read_tls(&mut rest).unwrap();
        to.process_new_packets()?;
    }
    Ok(())
}

/// The leaf certificate the client accepted, or why it refused.
fn handshake(trust: Trust<'_>, server: &Arc<SwappableCert>) -> Result<Vec<u8>, rustls::Error> {
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let client = ClientConnection::new(Arc::new(client_config(trust).unwrap()), name).unwrap();
    let config = Arc::new(server_config(Arc::clone(server)).unwrap());
    let mut client = Connection::from(client);
    let mut server = Connection::from(ServerConnection::new(config).unwrap());
    for _ in 0..8 {
        pass(&mut client, &mut server)?;
        pass(&mut server, &mut client)?;
        if !client.is_handshaking() && !server.is_handshaking() {
            let peer = client.peer_certificates().unwrap();
            return Ok(peer[0].to_vec());
        }
    }
    panic!("the handshake did not finish");
}

fn serving(ca: &TestCa, leaf: &TestLeaf) -> Arc<SwappableCert> {
    let key = certified_key(leaf.chain_pem(ca).as_bytes(), leaf.key_pem.as_bytes()).unwrap();
    Arc::new(SwappableCert::new(key))
}

fn refused_as(result: Result<Vec<u8>, rustls::Error>) -> CertificateError {
    match result {
        Err(rustls::Error::InvalidCertificate(why)) => why,
        other => panic!("expected a refused certificate, got {other:?}"),
    }
}

#[test]
fn a_private_ca_is_trusted_and_no_other() {
    let (ca, other) = (TestCa::new("ca"), TestCa::new("other"));
    let leaf = ca.leaf(&["127.0.0.1"]);
    let server = serving(&ca, &leaf);
    let seen = handshake(Trust::PemBundle(ca.cert_pem.as_bytes()), &server).unwrap();
    assert_eq!(seen, leaf.der);
    let refused = handshake(Trust::PemBundle(other.cert_pem.as_bytes()), &server);
    assert_eq!(refused_as(refused), CertificateError::UnknownIssuer);
}

#[test]
fn a_ca_certificate_for_another_name_is_refused() {
    let ca = TestCa::new("ca");
    let server = serving(&ca, &ca.leaf(&["xdr.example.com"]));
    let refused = handshake(Trust::PemBundle(ca.cert_pem.as_bytes()), &server);
    assert!(matches!(
        refused_as(refused),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
    ));
}

#[test]
fn a_pin_accepts_exactly_its_certificate() {
    let ca = TestCa::new("ca");
    let (leaf, sibling) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let server = serving(&ca, &leaf);
    assert_eq!(
        handshake(Trust::Pin(leaf.pin()), &server).unwrap(),
        leaf.der
    );
    // Same CA, same name: still not the pinned certificate.
    let refused = handshake(Trust::Pin(sibling.pin()), &server);
    assert_eq!(
        refused_as(refused),
        CertificateError::ApplicationVerificationFailure
    );
}

#[test]
fn a_swap_reaches_the_next_handshake() {
    let (ca, next_ca) = (TestCa::new("ca"), TestCa::new("next"));
    let (old, new) = (ca.leaf(&["127.0.0.1"]), next_ca.leaf(&["127.0.0.1"]));
    let server = serving(&ca, &old);
    assert_eq!(handshake(Trust::Pin(old.pin()), &server).unwrap(), old.der);
    let key = certified_key(new.cert_pem.as_bytes(), new.key_pem.as_bytes()).unwrap();
    server.replace(key);
    assert_eq!(handshake(Trust::Pin(new.pin()), &server).unwrap(), new.der);
    let trust = Trust::PemBundle(next_ca.cert_pem.as_bytes());
    assert_eq!(handshake(trust, &server).unwrap(), new.der);
}

#[test]
fn unusable_certificates_and_keys_are_refused() {
    let ca = TestCa::new("ca");
    let (leaf, other) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
    let (cert, key) = (leaf.cert_pem.as_bytes(), leaf.key_pem.as_bytes());
    assert!(certified_key(cert, key).is_ok());
    assert!(matches!(
        certified_key(b"no certificate", key),
        Err(TlsError::NoCertificate)
    ));
    assert!(matches!(
        certified_key(cert, b"no key"),
        Err(TlsError::BadKey(_))
    ));
    // Another certificate's key: refused at load, not at the first handshake.
    assert!(matches!(
        certified_key(cert, other.key_pem.as_bytes()),
        Err(TlsError::BadKey(_))
    ));
    let damaged = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert!(certified_key(damaged, key).is_err());
}
