//! Which keys the credential vault seals and opens with: configured ones (`vault.keys`), a keys
//! file's, or a key generated on the first start; and rotating the keys file.
//!
//! Keys file format (mode 0600): `{"active_version": 1, "keys": {"1": "<base64, 32 bytes>"}}`.

use std::collections::BTreeMap;
use std::fmt;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use rand::RngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Deserializer, Serialize};
use xdr_crypto::{KEY_LEN, Key};
use zeroize::{Zeroize, Zeroizing};

use super::error::ConfigError;
use super::keys_file::{read_private_file, replace_private_file, write_new_private_file};
use super::settings::Settings;

/// Name of the generated vault keys file inside the data directory.
pub const VAULT_KEYS_FILE_NAME: &str = "vault-keys.json";
/// What error messages call this file.
const VAULT: &str = "vault";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VaultKeysFile {
    active_version: u32,
    /// version -> standard base64 key.
    keys: BTreeMap<String, String>,
}

impl Drop for VaultKeysFile {
    fn drop(&mut self) {
        self.keys.values_mut().for_each(Zeroize::zeroize);
    }
}

/// What to do when no vault key is configured and the default keys file does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingVaultKeys {
    /// Generate the keys file (the server's first start).
    Generate,
    /// Refuse (operator commands must not invent a key that opens nothing).
    Refuse,
}

/// The vault keys to build a key ring from.
pub struct ResolvedVaultKeys {
    /// `(version, key)`, ascending.
    pub keys: Vec<(u32, Key)>,
    /// New secrets are sealed with this version; it is one of `keys`.
    pub active_version: u32,
    /// Set when this call generated the keys file (first start).
    pub generated: Option<PathBuf>,
}

impl fmt::Debug for ResolvedVaultKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let versions: Vec<u32> = self.keys.iter().map(|(v, _)| *v).collect();
        f.debug_struct("ResolvedVaultKeys")
            .field("versions", &versions)
            .field("active_version", &self.active_version)
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The keys file [`resolve_vault_keys`] reads and `keys rotate --kind vault` changes:
    /// `vault.keys_file`, else `<data_dir>/vault-keys.json` unless keys are configured inline
    /// (`vault.keys`); then `None`: those are rotated in the configuration.
    pub fn vault_keys_path(&self) -> Option<PathBuf> {
        match &self.vault.keys_file {
            Some(path) => Some(path.clone()),
            None if self.vault.keys.is_empty() => {
                Some(self.server.data_dir.join(VAULT_KEYS_FILE_NAME))
            }
            None => None,
        }
    }
}

/// A version: a canonical whole number from 1 (`"1"`, not `"01"` or `"+1"`).
pub(crate) fn parse_version(key: &str, text: &str) -> Result<u32, ConfigError> {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && !text.starts_with('0');
    match text.parse::<u32>() {
        Ok(version) if canonical => Ok(version),
        _ => Err(ConfigError::invalid(
            key,
            format!(
                "key version `{text}` must be a whole number from 1 to {}",
                u32::MAX
            ),
        )),
    }
}

/// `vault.active_version` from TOML (a number) or the environment (text).
pub(crate) fn optional_version<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NumberOrText {
        Number(u32),
        Text(String),
    }
    match Option::<NumberOrText>::deserialize(d)? {
        None => Ok(None),
        Some(NumberOrText::Number(n)) => Ok(Some(n)),
        Some(NumberOrText::Text(t)) => {
            t.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!("expected a whole number, got {t:?}"))
            })
        }
    }
}

fn decode_key(what: &str, encoded: &str) -> Result<Key, String> {
    Key::from_base64(encoded).map_err(|e| format!("{what}: {e}"))
}

/// Checks `vault.*` as far as it is known before any file is read.
pub(crate) fn check_vault_settings(settings: &Settings) -> Result<(), ConfigError> {
    let vault = &settings.vault;
    for (version, key) in &vault.keys {
        let name = format!("vault.keys.{version}");
        parse_version(&name, version)?;
        decode_key("key", key.expose()).map_err(|m| ConfigError::invalid(&name, m))?;
    }
    if vault.active_version == Some(0) {
        return Err(ConfigError::invalid(
            "vault.active_version",
            "must be at least 1",
        ));
    }
    // Keys from a keys file are known only when it is read (`resolve_vault_keys` checks then).
    if let (None, Some(active)) = (&vault.keys_file, vault.active_version)
        && !vault.keys.is_empty()
        && !vault.keys.contains_key(&active.to_string())
    {
        return Err(ConfigError::invalid(
            "vault.active_version",
            format!("no configured vault key has version {active}"),
        ));
    }
    Ok(())
}

/// A fresh random key, base64, without a panic path if the OS has no randomness.
fn generate_key() -> Result<Zeroizing<String>, ConfigError> {
    let mut bytes = Zeroizing::new([0_u8; KEY_LEN]);
    OsRng
        .try_fill_bytes(bytes.as_mut())
        .map_err(|e| ConfigError::Random(e.to_string()))?;
    Ok(Key::from_bytes(*bytes).to_base64())
}

fn read_file(path: &Path) -> Result<(u32, Vec<(u32, Key)>), ConfigError> {
    let file: VaultKeysFile = read_private_file(path, VAULT)?;
    let invalid = |m: String| ConfigError::keys_file_of(VAULT, path, m);
    let keys = file
        .keys
        .iter()
        .map(|(version, encoded)| {
            let v = parse_version("keys", version).map_err(|e| invalid(e.to_string()))?;
            Ok((
                v,
                decode_key(&format!("key {version}"), encoded).map_err(invalid)?,
            ))
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    if !keys.iter().any(|(v, _)| *v == file.active_version) {
        return Err(invalid(format!(
            "active_version {} is not among its keys",
            file.active_version
        )));
    }
    Ok((file.active_version, keys))
}

/// Creates a keys file with key version 1. False if it appeared meanwhile (another process
/// starting at the same moment won), leaving that file alone.
fn create_file(path: &Path) -> Result<bool, ConfigError> {
    let file = VaultKeysFile {
        active_version: 1,
        keys: BTreeMap::from([("1".to_owned(), generate_key()?.to_string())]),
    };
    match write_new_private_file(path, &file) {
        Ok(()) => Ok(true),
        Err(ConfigError::Io { source, .. }) if source.kind() == ErrorKind::AlreadyExists => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// All configured vault keys: `vault.keys` and the keys of `vault.keys_file`. With neither,
/// reads `<data_dir>/vault-keys.json`, generating it on the first start when `missing` says
/// so. The active version is `vault.active_version`, else the keys file's, else the greatest.
pub fn resolve_vault_keys(
    settings: &Settings,
    missing: MissingVaultKeys,
) -> Result<ResolvedVaultKeys, ConfigError> {
    let vault = &settings.vault;
    let mut keys = BTreeMap::new();
    for (version, key) in &vault.keys {
        let name = format!("vault.keys.{version}");
        let v = parse_version(&name, version)?;
        keys.insert(
            v,
            decode_key("key", key.expose()).map_err(|m| ConfigError::invalid(&name, m))?,
        );
    }
    let mut generated = None;
    let file = settings.vault_keys_path();
    if let Some(path) = file
        .as_ref()
        .filter(|p| vault.keys_file.is_none() && !p.exists())
    {
        if missing == MissingVaultKeys::Refuse {
            return Err(ConfigError::keys_file_of(
                VAULT,
                path,
                "does not exist and no vault key is configured (vault.keys, vault.keys_file); \
                 is this the server's data directory?",
            ));
        }
        if create_file(path)? {
            generated = Some(path.clone());
        }
    }
    let mut file_active = None;
    if let Some(path) = file {
        let (active, file_keys) = read_file(&path)?;
        for (version, key) in file_keys {
            if keys.insert(version, key).is_some() {
                return Err(ConfigError::keys_file_of(
                    VAULT,
                    path,
                    format!("version {version} is also configured in vault.keys"),
                ));
            }
        }
        file_active = Some(active);
    }
    let active_version = vault
        .active_version
        .or(file_active)
        .or_else(|| keys.keys().next_back().copied())
        .ok_or_else(|| ConfigError::Internal("no vault key resolved".into()))?;
    if !keys.contains_key(&active_version) {
        return Err(ConfigError::invalid(
            "vault.active_version",
            format!("no vault key has version {active_version}"),
        ));
    }
    Ok(ResolvedVaultKeys {
        keys: keys.into_iter().collect(),
        active_version,
        generated,
    })
}

/// Adds a new random key (the greatest version + 1) to the keys file at `path` and makes it
/// active; older keys stay so that what they sealed still opens. Creates the file if missing.
/// Returns the new version.
pub fn rotate_vault_key(path: &Path) -> Result<u32, ConfigError> {
    let mut file = if path.exists() {
        read_file(path)?;
        read_private_file::<VaultKeysFile>(path, VAULT)?
    } else {
        VaultKeysFile {
            active_version: 0,
            keys: BTreeMap::new(),
        }
    };
    let newest = file
        .keys
        .keys()
        .filter_map(|v| v.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    let version = newest.checked_add(1).ok_or_else(|| {
        ConfigError::keys_file_of(VAULT, path, "no key version is left after u32::MAX")
    })?;
    file.keys
        .insert(version.to_string(), generate_key()?.to_string());
    file.active_version = version;
    replace_private_file(path, &file)?;
    tracing::info!(path = %path.display(), version, "rotated the vault key");
    Ok(version)
}
