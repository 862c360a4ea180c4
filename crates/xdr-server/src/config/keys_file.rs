//! The JWT keys file: generating, reading (only when private to its owner) and rotating it; and
//! the private-file helpers the vault keys file (`vault_keys.rs`) shares.
//!
//! Keys file format (mode 0600): `{"active_kid": "k1700000000", "keys": {"k1700000000": "<base64url>"}}`.

use std::collections::BTreeMap;
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use rand::RngCore;
use rand::rngs::OsRng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::error::ConfigError;
use super::validate::check_jwt_secret;

/// Name of the generated keys file inside the data directory.
pub const JWT_KEYS_FILE_NAME: &str = "jwt-keys.json";
/// What error messages call this file.
const JWT: &str = "JWT";
const GENERATED_KEY_BYTES: usize = 32;
const PRIVATE_FILE_MODE: u32 = 0o600;
const PRIVATE_DIR_MODE: u32 = 0o700;
const GROUP_AND_OTHER_BITS: u32 = 0o077;
const PERMISSION_BITS: u32 = 0o777;

/// Unpadded base64url on output; padding tolerated on input.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    active_kid: String,
    /// kid -> base64url secret.
    keys: BTreeMap<String, String>,
}

impl KeysFile {
    fn empty() -> Self {
        Self {
            active_kid: String::new(),
            keys: BTreeMap::new(),
        }
    }
}

/// Adds a new random key to the keys file at `path` and makes it active; older keys stay so
/// that tokens they signed verify until they expire. Creates the file if it does not exist.
/// Returns the new kid.
pub fn rotate_jwt_key(path: &Path) -> Result<String, ConfigError> {
    let mut contents = if path.exists() {
        let contents = read_private_file(path, JWT)?;
        decode_keys(path, &contents)?;
        contents
    } else {
        KeysFile::empty()
    };
    let kid = add_new_key(&mut contents)?;
    replace_private_file(path, &contents)?;
    tracing::info!(path = %path.display(), kid = %kid, "rotated the JWT signing key");
    Ok(kid)
}

/// Creates `dir` (and missing parents) readable by the owner only; leaves an existing one alone.
pub fn ensure_private_dir(dir: &Path) -> Result<(), ConfigError> {
    DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(dir)
        .map_err(|e| ConfigError::io(dir, e))
}

/// Creates a keys file holding one new key. Returns false if the file appeared meanwhile
/// (another process starting at the same moment won), leaving that file alone.
pub(crate) fn create_keys_file(path: &Path) -> Result<bool, ConfigError> {
    let mut contents = KeysFile::empty();
    let kid = add_new_key(&mut contents)?;
    match write_new_private_file(path, &contents) {
        Ok(()) => {
            tracing::warn!(
                path = %path.display(),
                kid = %kid,
                "no JWT signing key configured: generated one; keep this file secret and back it up"
            );
            Ok(true)
        }
        Err(ConfigError::Io { source, .. }) if source.kind() == ErrorKind::AlreadyExists => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// The decoded content of a keys file.
pub(crate) struct FileKeys {
    pub(crate) active_kid: String,
    pub(crate) keys: Vec<(String, Vec<u8>)>,
}

/// Reads and checks the keys file at `path`.
pub(crate) fn read_keys_file(path: &Path) -> Result<FileKeys, ConfigError> {
    let contents = read_private_file(path, JWT)?;
    let keys = decode_keys(path, &contents)?;
    Ok(FileKeys {
        active_kid: contents.active_kid,
        keys,
    })
}

/// Adds a random key under a fresh kid `k<unix seconds>` and makes it active.
fn add_new_key(contents: &mut KeysFile) -> Result<String, ConfigError> {
    let mut seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    while contents.keys.contains_key(&format!("k{seconds}")) {
        seconds += 1;
    }
    let kid = format!("k{seconds}");
    let mut secret = Zeroizing::new([0_u8; GENERATED_KEY_BYTES]);
    OsRng
        .try_fill_bytes(secret.as_mut())
        .map_err(|e| ConfigError::Random(e.to_string()))?;
    contents
        .keys
        .insert(kid.clone(), BASE64URL.encode(secret.as_ref()));
    contents.active_kid.clone_from(&kid);
    Ok(kid)
}

/// Atomically replaces (or creates) the private file at `path` with `contents`: written to
/// `<path>.tmp` (mode 0600), then renamed over it.
pub(crate) fn replace_private_file<T: Serialize>(
    path: &Path,
    contents: &T,
) -> Result<(), ConfigError> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    match fs::remove_file(&temporary) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(ConfigError::io(&temporary, e)),
        _ => {}
    }
    write_new_private_file(&temporary, contents)?;
    fs::rename(&temporary, path).map_err(|e| ConfigError::io(path, e))
}

/// Creates `path` (mode 0600, failing if it exists) holding `contents` as pretty JSON.
pub(crate) fn write_new_private_file<T: Serialize>(
    path: &Path,
    contents: &T,
) -> Result<(), ConfigError> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        ensure_private_dir(dir)?;
    }
    let json = Zeroizing::new(
        serde_json::to_string_pretty(contents).map_err(|e| ConfigError::Internal(e.to_string()))?,
    );
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE_FILE_MODE)
        .open(path)
        .map_err(|e| ConfigError::io(path, e))?;
    file.write_all(json.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(|e| ConfigError::io(path, e))
}

/// Parses a `kind` keys file (`JWT`, `vault`), refusing one that group or others may access.
pub(crate) fn read_private_file<T: DeserializeOwned>(
    path: &Path,
    kind: &'static str,
) -> Result<T, ConfigError> {
    let mut file = File::open(path).map_err(|e| ConfigError::io(path, e))?;
    let mode = file
        .metadata()
        .map_err(|e| ConfigError::io(path, e))?
        .permissions()
        .mode();
    if mode & GROUP_AND_OTHER_BITS != 0 {
        return Err(ConfigError::keys_file_of(
            kind,
            path,
            format!(
                "is accessible to group or others (mode {:o}); restrict it with `chmod 600 {}`",
                mode & PERMISSION_BITS,
                path.display()
            ),
        ));
    }
    let mut text = Zeroizing::new(String::new());
    file.read_to_string(&mut text)
        .map_err(|e| ConfigError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| ConfigError::keys_file_of(kind, path, e.to_string()))
}

/// The decoded keys of a keys file, after checking it names an active key it holds.
fn decode_keys(path: &Path, contents: &KeysFile) -> Result<Vec<(String, Vec<u8>)>, ConfigError> {
    if !contents.keys.contains_key(&contents.active_kid) {
        return Err(ConfigError::keys_file(
            path,
            format!("active_kid `{}` is not among its keys", contents.active_kid),
        ));
    }
    contents
        .keys
        .iter()
        .map(|(kid, encoded)| {
            let secret = BASE64URL.decode(encoded.trim()).map_err(|e| {
                ConfigError::keys_file(path, format!("key `{kid}` is not base64url: {e}"))
            })?;
            check_jwt_secret(&format!("{} key {kid}", path.display()), &secret)?;
            Ok((kid.clone(), secret))
        })
        .collect()
}
