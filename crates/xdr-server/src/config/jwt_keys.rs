//! Which JWT keys the server signs and verifies with: configured ones, a keys file's, or a key
//! generated on the first start.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::error::ConfigError;
use super::keys_file::{JWT_KEYS_FILE_NAME, create_keys_file, read_keys_file};
use super::settings::Settings;
use super::validate::DEFAULT_JWT_KID;

/// The JWT keys to build a key ring from.
pub struct ResolvedJwtKeys {
    /// `(kid, secret)`, sorted by kid; every secret is at least 32 bytes.
    pub keys: Vec<(String, Vec<u8>)>,
    /// New tokens are signed with this key; it is one of `keys`.
    pub active_kid: String,
    /// Set when this call generated the keys file (first start).
    pub generated: Option<PathBuf>,
}

impl fmt::Debug for ResolvedJwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kids: Vec<&str> = self.keys.iter().map(|(kid, _)| kid.as_str()).collect();
        f.debug_struct("ResolvedJwtKeys")
            .field("kids", &kids)
            .field("active_kid", &self.active_kid)
            .field("generated", &self.generated)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The keys file [`resolve_jwt_keys`] reads and `keys rotate --kind jwt` changes:
    /// `auth.jwt_keys_file`, else `<data_dir>/jwt-keys.json` unless keys are configured inline
    /// (`auth.jwt_secret`, `auth.jwt_keys`); then `None`: those are rotated in the configuration.
    pub fn jwt_keys_path(&self) -> Option<PathBuf> {
        let auth = &self.auth;
        match &auth.jwt_keys_file {
            Some(path) => Some(path.clone()),
            None if auth.jwt_secret.is_none() && auth.jwt_keys.is_empty() => {
                Some(self.server.data_dir.join(JWT_KEYS_FILE_NAME))
            }
            None => None,
        }
    }
}

/// All configured JWT keys: `auth.jwt_secret` (kid `default`), `auth.jwt_keys` and the keys of
/// `auth.jwt_keys_file`. With none of them set, reads `<data_dir>/jwt-keys.json`, generating it
/// on the first start. The active kid is `auth.jwt_active_kid`, else the keys file's, else the
/// greatest kid.
pub fn resolve_jwt_keys(settings: &Settings) -> Result<ResolvedJwtKeys, ConfigError> {
    let auth = &settings.auth;
    let mut keys: BTreeMap<String, Vec<u8>> = auth
        .jwt_keys
        .iter()
        .map(|(kid, secret)| (kid.clone(), secret.expose().as_bytes().to_vec()))
        .collect();
    if let Some(secret) = &auth.jwt_secret {
        keys.insert(
            DEFAULT_JWT_KID.to_owned(),
            secret.expose().as_bytes().to_vec(),
        );
    }
    let mut generated = None;
    let file = settings.jwt_keys_path();
    if let Some(path) = file.as_ref().filter(|_| auth.jwt_keys_file.is_none()) {
        // The default file: created on the first start. A configured one must exist.
        if !path.exists() && create_keys_file(path)? {
            generated = Some(path.clone());
        }
    }
    let mut file_active = None;
    if let Some(path) = file {
        let file_keys = read_keys_file(&path)?;
        for (kid, secret) in file_keys.keys {
            if keys.insert(kid.clone(), secret).is_some() {
                return Err(ConfigError::keys_file(
                    path,
                    format!("kid `{kid}` is also configured in auth.jwt_secret or auth.jwt_keys"),
                ));
            }
        }
        file_active = Some(file_keys.active_kid);
    }
    let active_kid = auth
        .jwt_active_kid
        .clone()
        .or(file_active)
        .or_else(|| keys.keys().next_back().cloned())
        .ok_or_else(|| ConfigError::Internal("no JWT key resolved".into()))?;
    if !keys.contains_key(&active_kid) {
        return Err(ConfigError::invalid(
            "auth.jwt_active_kid",
            format!("no JWT key has kid `{active_kid}`"),
        ));
    }
    Ok(ResolvedJwtKeys {
        keys: keys.into_iter().collect(),
        active_kid,
        generated,
    })
}
