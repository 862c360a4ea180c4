//! `[server.tls]`: the certificate and key `serve` answers HTTPS with. Both or neither: with
//! neither it serves plain HTTP (behind a TLS-terminating proxy, or on loopback). The files
//! themselves are read when `serve` starts and again on SIGHUP (`crate::tls`), not here, so
//! that `config check` works on a machine without them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ConfigError;

pub const CERT_FILE_KEY: &str = "server.tls.cert_file";
pub const KEY_FILE_KEY: &str = "server.tls.key_file";

/// Paths, not secrets: the private key's content is never part of the configuration, so
/// `config check` shows both paths as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsSettings {
    /// PEM certificate chain, leaf first (intermediates after it).
    pub cert_file: Option<PathBuf>,
    /// PEM private key of the leaf: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
    pub key_file: Option<PathBuf>,
}

/// The two files of a configured `[server.tls]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsFiles<'a> {
    pub cert_file: &'a Path,
    pub key_file: &'a Path,
}

impl TlsSettings {
    /// The files when TLS is configured (after [`super::load`]: both or neither is set).
    pub fn files(&self) -> Option<TlsFiles<'_>> {
        match (&self.cert_file, &self.key_file) {
            (Some(cert_file), Some(key_file)) => Some(TlsFiles {
                cert_file,
                key_file,
            }),
            _ => None,
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.files().is_some()
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        for (key, path) in [
            (CERT_FILE_KEY, &self.cert_file),
            (KEY_FILE_KEY, &self.key_file),
        ] {
            if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
                return Err(ConfigError::invalid(key, "must not be empty"));
            }
        }
        let missing = match (&self.cert_file, &self.key_file) {
            (Some(_), None) => (KEY_FILE_KEY, CERT_FILE_KEY),
            (None, Some(_)) => (CERT_FILE_KEY, KEY_FILE_KEY),
            _ => return Ok(()),
        };
        Err(ConfigError::invalid(
            missing.0,
            format!(
                "is not set but `{}` is: native TLS needs both the certificate and its key",
                missing.1
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls(cert: Option<&str>, key: Option<&str>) -> TlsSettings {
        TlsSettings {
            cert_file: cert.map(PathBuf::from),
            key_file: key.map(PathBuf::from),
        }
    }

    #[test]
    fn both_or_neither() {
        assert!(tls(None, None).validate().is_ok());
        assert!(!tls(None, None).is_enabled());
        assert!(tls(Some("c.pem"), Some("k.pem")).validate().is_ok());
        assert!(tls(Some("c.pem"), Some("k.pem")).is_enabled());
        let only_cert = tls(Some("c.pem"), None)
            .validate()
            .map_err(|e| e.to_string());
        assert!(matches!(&only_cert, Err(m) if m.starts_with("`server.tls.key_file`")));
        let only_key = tls(None, Some("k.pem"))
            .validate()
            .map_err(|e| e.to_string());
        assert!(matches!(&only_key, Err(m) if m.starts_with("`server.tls.cert_file`")));
    }

    #[test]
    fn empty_paths_are_refused() {
        let empty = tls(Some(""), Some("k.pem"))
            .validate()
            .map_err(|e| e.to_string());
        assert!(matches!(&empty, Err(m) if m.contains("server.tls.cert_file")));
    }
}
