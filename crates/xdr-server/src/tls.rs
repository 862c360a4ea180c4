//! Native TLS of `serve` (`[server.tls]`): the certificate chain and key read from their PEM
//! files at start, behind a [`SwappableCert`] that a reload ([`crate::tls_reload`]) replaces
//! while serving. Each new handshake presents what is current; established connections keep
//! the certificate they were opened with.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use thiserror::Error;
use xdr_crypto::tls::{CertPin, SwappableCert, TlsError, certified_key, server_config};
use zeroize::Zeroizing;

use crate::config::{CERT_FILE_KEY, KEY_FILE_KEY, TlsFiles, TlsSettings};

/// Why the certificate or its key cannot be served. Names the key and file at fault, never
/// the key's content.
#[derive(Debug, Error)]
pub enum TlsFileError {
    #[error("`{key}`: cannot read {}: {source}", path.display())]
    Read {
        key: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error("`{key}`: {}: {source}", path.display())]
    Unusable {
        key: &'static str,
        path: PathBuf,
        source: TlsError,
    },
    #[error("TLS settings: {0}")]
    Settings(TlsError),
}

/// The certificate being served and where it is read from.
#[derive(Debug, Clone)]
pub struct ServedTls {
    cert_file: PathBuf,
    key_file: PathBuf,
    current: Arc<SwappableCert>,
}

impl ServedTls {
    /// Reads the configured files; `None` when TLS is not configured (plain HTTP).
    pub fn load(settings: &TlsSettings) -> Result<Option<Self>, TlsFileError> {
        let Some(files) = settings.files() else {
            return Ok(None);
        };
        let key = read_pair(files)?;
        Ok(Some(Self {
            cert_file: files.cert_file.to_owned(),
            key_file: files.key_file.to_owned(),
            current: Arc::new(SwappableCert::new(key)),
        }))
    }

    /// rustls settings presenting the current certificate, whatever a reload makes it later.
    pub fn server_config(&self) -> Result<rustls::ServerConfig, TlsFileError> {
        server_config(Arc::clone(&self.current)).map_err(TlsFileError::Settings)
    }

    /// Reads both files again; on success new handshakes present the new certificate, on
    /// failure the current one stays.
    pub fn reload(&self) -> Result<Served, TlsFileError> {
        let key = read_pair(self.files())?;
        let served = Served::of(&key);
        self.current.replace(key);
        Ok(served)
    }

    /// What new handshakes present now.
    pub fn served(&self) -> Served {
        Served::of(&self.current.current())
    }

    pub fn files(&self) -> TlsFiles<'_> {
        TlsFiles {
            cert_file: &self.cert_file,
            key_file: &self.key_file,
        }
    }
}

/// What identifies a served certificate in the log: the SHA-256 of the leaf's DER (the
/// agent's `--pin`) and the length of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    pub fingerprint: Option<CertPin>,
    pub chain_length: usize,
}

impl Served {
    fn of(key: &CertifiedKey) -> Self {
        Self {
            fingerprint: key.cert.first().map(|leaf| CertPin::of(leaf.as_ref())),
            chain_length: key.cert.len(),
        }
    }

    /// `sha256:HEX` (`none` only for an empty chain, which loading refuses).
    pub fn fingerprint_text(&self) -> String {
        self.fingerprint
            .map_or_else(|| "none".to_owned(), |pin| pin.to_string())
    }
}

fn read_pair(files: TlsFiles<'_>) -> Result<Arc<CertifiedKey>, TlsFileError> {
    let cert = read(CERT_FILE_KEY, files.cert_file)?;
    let key = Zeroizing::new(read(KEY_FILE_KEY, files.key_file)?);
    certified_key(&cert, &key).map_err(|source| {
        let (key, path) = match source {
            TlsError::NoCertificate | TlsError::BadCertificate(_) => {
                (CERT_FILE_KEY, files.cert_file)
            }
            TlsError::BadKey(_) | TlsError::Settings(_) => (KEY_FILE_KEY, files.key_file),
        };
        TlsFileError::Unusable {
            key,
            path: path.to_owned(),
            source,
        }
    })
}

fn read(key: &'static str, path: &Path) -> Result<Vec<u8>, TlsFileError> {
    std::fs::read(path).map_err(|source| TlsFileError::Read {
        key,
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use xdr_crypto::tls::test_certs::TestCa;

    use super::*;

    struct Dir(PathBuf);

    impl Dir {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("xdr-tls-{}", rand::random::<u64>()));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn write(&self, name: &str, content: &str) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, content).unwrap();
            path
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn settings(cert: PathBuf, key: PathBuf) -> TlsSettings {
        TlsSettings {
            cert_file: Some(cert),
            key_file: Some(key),
        }
    }

    #[test]
    fn loads_reloads_and_keeps_the_old_on_failure() {
        let (dir, ca) = (Dir::new(), TestCa::new("ca"));
        let (first, second) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
        let cert = dir.write("cert.pem", &first.chain_pem(&ca));
        let key = dir.write("key.pem", &first.key_pem);
        let tls = ServedTls::load(&settings(cert, key)).unwrap().unwrap();
        assert_eq!(tls.served().fingerprint, Some(first.pin()));
        assert_eq!(tls.served().chain_length, 2);
        assert!(tls.server_config().is_ok());

        dir.write("cert.pem", &second.cert_pem);
        dir.write("key.pem", &second.key_pem);
        assert_eq!(tls.reload().unwrap().fingerprint, Some(second.pin()));
        assert_eq!(tls.served().fingerprint, Some(second.pin()));

        dir.write("cert.pem", "garbage");
        let error = tls.reload().unwrap_err().to_string();
        assert!(error.contains("server.tls.cert_file"), "{error}");
        assert_eq!(tls.served().fingerprint, Some(second.pin()));
    }

    #[test]
    fn errors_name_the_file_at_fault() {
        let (dir, ca) = (Dir::new(), TestCa::new("ca"));
        let (leaf, other) = (ca.leaf(&["127.0.0.1"]), ca.leaf(&["127.0.0.1"]));
        let cert = dir.write("cert.pem", &leaf.cert_pem);
        let wrong_key = dir.write("other-key.pem", &other.key_pem);
        let missing = dir.0.join("missing.pem");
        let error = |cert: &PathBuf, key: &PathBuf| {
            ServedTls::load(&settings(cert.clone(), key.clone()))
                .unwrap_err()
                .to_string()
        };
        let message = error(&cert, &missing);
        assert!(message.contains("server.tls.key_file"), "{message}");
        assert!(message.contains("cannot read"), "{message}");
        let message = error(&cert, &wrong_key);
        assert!(message.contains("server.tls.key_file"), "{message}");
        let garbage = dir.write("garbage.pem", "not PEM");
        let message = error(&garbage, &wrong_key);
        assert!(message.contains("server.tls.cert_file"), "{message}");
        assert!(
            ServedTls::load(&TlsSettings::default()).unwrap().is_none(),
            "no TLS configured"
        );
    }
}
