//! TLS settings of the HTTPS we serve: a certificate chain and its key from PEM, behind a
//! resolver whose key can be swapped while serving. Each handshake asks the resolver, so a
//! swap reaches new connections at once and leaves established ones as they are.

use std::sync::{Arc, RwLock};

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::{TlsError, provider};

/// A certificate chain (leaf first) and the private key of its leaf, from PEM: the key in
/// PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form. Refused when the key is not the leaf's.
pub fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<CertifiedKey>, TlsError> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadCertificate(e.to_string()))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate);
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| TlsError::BadKey(e.to_string()))?;
    let certified = CertifiedKey::from_der(chain, key, &provider())
        .map_err(|e| TlsError::BadKey(e.to_string()))?;
    Ok(Arc::new(certified))
}

/// The certificate the server presents; replaced whole (chain and key together), so that a
/// handshake never sees a chain with another certificate's key.
#[derive(Debug)]
pub struct SwappableCert(RwLock<Arc<CertifiedKey>>);

impl SwappableCert {
    /// Presenting `key` until replaced.
    pub fn new(key: Arc<CertifiedKey>) -> Self {
        Self(RwLock::new(key))
    }

    /// What new handshakes present from now on.
    pub fn replace(&self, key: Arc<CertifiedKey>) {
        // A poisoned lock only means a writer panicked between two whole values: the value
        // inside is still one of them, so the swap goes on.
        let mut slot = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = key;
    }

    /// What a handshake starting now presents.
    pub fn current(&self) -> Arc<CertifiedKey> {
        let slot = self
            .0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&slot)
    }
}

impl ResolvesServerCert for SwappableCert {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// TLS 1.2 and 1.3 server settings presenting `cert`, without client certificates. The
/// caller (actix) sets the ALPN protocols.
pub fn server_config(cert: Arc<SwappableCert>) -> Result<ServerConfig, TlsError> {
    Ok(ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Settings(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(cert))
}
