//! TLS settings of the HTTPS we speak as a client (the agent to its server, webhook
//! deliveries) and serve (`server.tls`): rustls with ring's primitives, handed over as a
//! value. No process-wide default provider is installed, so embedding applications keep theirs.

mod pin;
mod server;
#[cfg(feature = "test-support")]
pub mod test_certs;

pub use pin::{BadPin, CertPin, PIN_PREFIX};
pub use server::{SwappableCert, certified_key, server_config};

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

/// Why TLS client settings could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The bundle holds no certificate.
    #[error("no PEM certificate in the bundle")]
    NoCertificate,
    /// A certificate of the bundle is not readable or not acceptable as a trust anchor.
    #[error("unusable certificate: {0}")]
    BadCertificate(String),
    /// The private key is not readable, of an unsupported kind, or not the certificate's.
    #[error("unusable private key: {0}")]
    BadKey(String),
    /// The verifier or the protocol versions could not be set up.
    #[error("TLS settings: {0}")]
    Settings(String),
}

/// Which servers a client trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust<'a> {
    /// Those whose chain ends in the system's certificate store (checked by the platform's
    /// verifier, which reads the store on the first handshake, not before).
    SystemRoots,
    /// Only those whose chain ends in one of these PEM certificates (a private CA).
    PemBundle(&'a [u8]),
    /// Only the server presenting exactly this leaf certificate (see [`CertPin`]).
    Pin(CertPin),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(ring::default_provider())
}

/// TLS 1.2 and 1.3 client settings trusting `trust`, without client certificates.
pub fn client_config(trust: Trust<'_>) -> Result<ClientConfig, TlsError> {
    let provider = provider();
    let verifier: Arc<dyn ServerCertVerifier> = match trust {
        Trust::SystemRoots => Arc::new(
            rustls_platform_verifier::Verifier::new(Arc::clone(&provider))
                .map_err(|e| TlsError::Settings(e.to_string()))?,
        ),
        Trust::PemBundle(pem) => {
            let roots = root_store(pem)?;
            rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                Arc::clone(&provider),
            )
            .build()
            .map_err(|e| TlsError::Settings(e.to_string()))?
        }
        Trust::Pin(pin) => Arc::new(pin::PinVerifier {
            pin,
            algorithms: provider.signature_verification_algorithms,
        }),
    };
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Settings(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The certificates of a PEM bundle as trust anchors; at least one, all of them usable.
pub fn root_store(pem: &[u8]) -> Result<RootCertStore, TlsError> {
    let mut store = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| TlsError::BadCertificate(e.to_string()))?;
        store
            .add(cert)
            .map_err(|e| TlsError::BadCertificate(e.to_string()))?;
    }
    if store.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    Ok(store)
}

#[cfg(test)]
#[path = "tls/handshake_tests.rs"]
mod handshake_tests;

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed P-256 CA made for these tests (its key was not kept).
    const TEST_CA: &[u8] = include_bytes!("testdata/test-ca.pem");

    #[test]
    fn a_bundle_of_ca_certificates_is_trusted() {
        assert_eq!(root_store(TEST_CA).unwrap().len(), 1);
        let mut two = TEST_CA.to_vec();
        two.extend_from_slice(TEST_CA);
        assert_eq!(root_store(&two).unwrap().len(), 2);
        assert!(client_config(Trust::PemBundle(TEST_CA)).is_ok());
    }

    #[test]
    fn a_bundle_without_certificates_is_refused() {
        assert!(matches!(
            client_config(Trust::PemBundle(b"not a certificate\n")),
            Err(TlsError::NoCertificate)
        ));
    }

    #[test]
    fn a_damaged_certificate_is_refused() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            client_config(Trust::PemBundle(pem)),
            Err(TlsError::BadCertificate(_))
        ));
    }

    #[test]
    fn settings_for_the_system_roots_are_made() {
        let config = client_config(Trust::SystemRoots);
        assert!(config.is_ok(), "{config:?}");
    }
}
