//! Everything that can go wrong while reading, checking or completing the configuration.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// A configuration problem. Every message names the key, variable or file at fault and never
/// contains a secret value.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {}: {source}", path.display())]
    ReadFile { path: PathBuf, source: io::Error },

    #[error("configuration file {} is not valid TOML: {message}", path.display())]
    ParseFile { path: PathBuf, message: String },

    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },

    /// An unknown key or a value of the wrong type (the message names the key).
    #[error("invalid configuration: {0}")]
    Structure(String),

    #[error("`{key}` is set both directly and through `{key}_file` in {origin}; give only one")]
    SecretConflict { key: String, origin: String },

    #[error("`{key}_file`: cannot read {}: {source}", path.display())]
    SecretFile {
        key: String,
        path: PathBuf,
        source: io::Error,
    },

    #[error("`{key}_file`: {} is empty", path.display())]
    SecretFileEmpty { key: String, path: PathBuf },

    /// A value that parsed but is not acceptable.
    #[error("`{key}`: {message}")]
    Invalid { key: String, message: String },

    /// A keys file (`kind`: `JWT` or `vault`) that cannot be used.
    #[error("{kind} keys file {}: {message}", path.display())]
    KeysFile {
        kind: &'static str,
        path: PathBuf,
        message: String,
    },

    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },

    #[error("cannot generate a key: {0}")]
    Random(String),

    /// A fault of this program, not of the configuration.
    #[error("internal configuration error: {0}")]
    Internal(String),
}

impl ConfigError {
    pub(crate) fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }

    /// A problem with the JWT keys file.
    pub(crate) fn keys_file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::keys_file_of("JWT", path, message)
    }

    pub(crate) fn keys_file_of(
        kind: &'static str,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Self::KeysFile {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
