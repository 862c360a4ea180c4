//! Secret values: types that never show their content in `Debug` or serialized output, and the
//! `<key>_file` indirection that reads a secret from a file (Docker/Kubernetes secrets).

use std::fmt;
use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::error::ConfigError;
use super::redact::{REDACTED, mask_database_url};

/// Keys (`section`, `key`) that may be given as `<key>_file` instead.
pub(crate) const FILE_BACKED_KEYS: [(&str, &str); 2] =
    [("auth", "jwt_secret"), ("database", "url")];
/// Suffix of a key (or environment variable, upper-cased) naming a file that holds the secret.
pub(crate) const FILE_SUFFIX: &str = "_file";

/// A secret string, wiped from memory on drop. `Debug` and `Serialize` show `<redacted>`.
#[derive(Clone, Default, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; use it, never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// A database URL, which may hold a password. `Debug` and `Serialize` mask the password.
#[derive(Clone, Default, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The full URL, password included; hand it to the database driver only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for DatabaseUrl {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask_database_url(&self.0))
    }
}

impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&mask_database_url(&self.0))
    }
}

/// In one source (`origin`: the file or the environment), replaces each `<key>_file` of
/// [`FILE_BACKED_KEYS`] by `<key>` = the file's content without its trailing newline.
pub(crate) fn resolve_secret_files(
    layer: &mut toml::Table,
    origin: &str,
) -> Result<(), ConfigError> {
    for (section, key) in FILE_BACKED_KEYS {
        let Some(toml::Value::Table(table)) = layer.get_mut(section) else {
            continue;
        };
        let Some(path) = table.remove(&format!("{key}{FILE_SUFFIX}")) else {
            continue;
        };
        let name = format!("{section}.{key}");
        let toml::Value::String(path) = path else {
            return Err(ConfigError::invalid(
                format!("{name}{FILE_SUFFIX}"),
                "must be a file path (a string)",
            ));
        };
        if table.contains_key(key) {
            return Err(ConfigError::SecretConflict {
                key: name,
                origin: origin.to_owned(),
            });
        }
        let content = read_secret_file(&name, PathBuf::from(path))?;
        table.insert(key.to_owned(), toml::Value::String(content));
    }
    Ok(())
}

fn read_secret_file(key: &str, path: PathBuf) -> Result<String, ConfigError> {
    let mut content = match fs::read_to_string(&path) {
        Ok(content) => content,
        Err(source) => {
            return Err(ConfigError::SecretFile {
                key: key.to_owned(),
                path,
                source,
            });
        }
    };
    let kept = content.trim_end_matches(['\r', '\n']).len();
    content.truncate(kept);
    if content.is_empty() {
        return Err(ConfigError::SecretFileEmpty {
            key: key.to_owned(),
            path,
        });
    }
    Ok(content)
}

/// Whether `key` of `section` is the `_file` form of a file-backed secret.
pub(crate) fn is_secret_file_key(section: &str, key: &str) -> bool {
    key.strip_suffix(FILE_SUFFIX)
        .is_some_and(|stem| FILE_BACKED_KEYS.contains(&(section, stem)))
}
