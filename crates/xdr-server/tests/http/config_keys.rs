//! JWT signing keys: configured, read from a keys file, generated on first start, rotated.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::config_support::{TempDir, mode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use xdr_server::config::{
    ConfigError, ResolvedJwtKeys, SecretString, Settings, resolve_jwt_keys, rotate_jwt_key,
};

fn settings_in(dir: &Path) -> Settings {
    let mut settings = Settings::default();
    settings.server.data_dir = dir.join("data");
    settings
}

fn key_map(resolved: &ResolvedJwtKeys) -> BTreeMap<String, Vec<u8>> {
    resolved.keys.iter().cloned().collect()
}

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn write_keys_file(path: &Path, active: &str, keys: &[(&str, &[u8])], mode: u32) {
    let keys: BTreeMap<&str, String> = keys
        .iter()
        .map(|(kid, secret)| (*kid, URL_SAFE_NO_PAD.encode(secret)))
        .collect();
    let json = serde_json::json!({ "active_kid": active, "keys": keys });
    fs::write(path, json.to_string()).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn first_start_generates_a_private_keys_file_and_later_starts_reuse_it() {
    let dir = TempDir::new();
    let settings = settings_in(dir.path());
    let path = dir.path().join("data").join("jwt-keys.json");

    let first = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(first.generated.as_deref(), Some(path.as_path()));
    assert_eq!(settings.jwt_keys_path(), Some(path.clone()));
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    assert_eq!(first.keys.len(), 1);
    let (kid, secret) = &first.keys[0];
    assert!(
        kid.starts_with('k') && kid[1..].parse::<u64>().is_ok(),
        "{kid}"
    );
    assert_eq!(secret.len(), 32);
    assert_eq!(&first.active_kid, kid);

    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file["active_kid"], kid.as_str());
    assert_eq!(file["keys"][kid.as_str()], URL_SAFE_NO_PAD.encode(secret));

    let second = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(second.generated, None);
    assert_eq!(second.keys, first.keys);
    assert_eq!(second.active_kid, first.active_kid);
}

#[test]
fn a_keys_file_readable_by_others_is_refused() {
    let dir = TempDir::new();
    let settings = settings_in(dir.path());
    resolve_jwt_keys(&settings).unwrap();
    let path = settings.jwt_keys_path().unwrap();
    for loose in [0o644, 0o640, 0o604, 0o660] {
        fs::set_permissions(&path, fs::Permissions::from_mode(loose)).unwrap();
        let err = resolve_jwt_keys(&settings).unwrap_err();
        assert!(matches!(err, ConfigError::KeysFile { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("chmod 600"), "{message}");
        assert!(message.contains("jwt-keys.json"), "{message}");
        assert!(
            rotate_jwt_key(&path).is_err(),
            "rotation must refuse it too"
        );
    }
}

#[test]
fn rotation_adds_an_active_key_and_keeps_the_old_ones() {
    let dir = TempDir::new();
    let settings = settings_in(dir.path());
    let before = resolve_jwt_keys(&settings).unwrap();
    let path = settings.jwt_keys_path().unwrap();

    let new_kid = rotate_jwt_key(&path).unwrap();
    let newer_kid = rotate_jwt_key(&path).unwrap();
    assert_eq!(mode(&path), 0o600);

    let after = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(after.active_kid, newer_kid);
    let keys = key_map(&after);
    assert_eq!(keys.len(), 3);
    for (kid, secret) in &before.keys {
        assert_eq!(keys.get(kid), Some(secret), "old key {kid} kept");
    }
    assert!(keys.contains_key(&new_kid));
    assert_ne!(keys[&new_kid], keys[&newer_kid]);
    assert!(newer_kid > new_kid && new_kid > before.active_kid);
}

#[test]
fn rotation_creates_a_missing_keys_file() {
    let dir = TempDir::new();
    let path = dir.path().join("keys").join("jwt.json");
    let kid = rotate_jwt_key(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    let mut settings = settings_in(dir.path());
    settings.auth.jwt_keys_file = Some(path);
    let resolved = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(resolved.active_kid, kid);
    assert_eq!(resolved.generated, None);
}

#[test]
fn configured_secrets_need_no_keys_file() {
    let dir = TempDir::new();
    let mut settings = settings_in(dir.path());
    settings.auth.jwt_secret = Some(SecretString::new("s".repeat(32)));
    settings
        .auth
        .jwt_keys
        .insert("k2".into(), SecretString::new("t".repeat(40)));
    let resolved = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(resolved.generated, None);
    assert_eq!(settings.jwt_keys_path(), None, "nothing to rotate on disk");
    assert!(!dir.path().join("data").exists(), "no keys file generated");
    assert_eq!(resolved.active_kid, "k2", "greatest kid by default");
    let keys = key_map(&resolved);
    assert_eq!(
        keys["default"],
        "s".repeat(32).into_bytes(),
        "raw UTF-8 bytes"
    );
    assert_eq!(keys["k2"], "t".repeat(40).into_bytes());

    settings.auth.jwt_active_kid = Some("default".into());
    assert_eq!(resolve_jwt_keys(&settings).unwrap().active_kid, "default");

    settings.auth.jwt_active_kid = Some("k9".into());
    let message = resolve_jwt_keys(&settings).unwrap_err().to_string();
    assert!(
        message.contains("auth.jwt_active_kid") && message.contains("k9"),
        "{message}"
    );
}

#[test]
fn a_configured_keys_file_is_read_and_merged_with_inline_keys() {
    let dir = TempDir::new();
    let path = dir.path().join("keys.json");
    write_keys_file(&path, "a", &[("a", &[1; 32]), ("b", &[2; 48])], 0o600);
    let mut settings = settings_in(dir.path());
    settings.auth.jwt_keys_file = Some(path.clone());
    let resolved = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(
        resolved.active_kid, "a",
        "the file's active kid, not the greatest"
    );
    assert_eq!(key_map(&resolved)["b"], vec![2; 48]);

    settings
        .auth
        .jwt_keys
        .insert("c".into(), SecretString::new("c".repeat(32)));
    let resolved = resolve_jwt_keys(&settings).unwrap();
    assert_eq!(resolved.keys.len(), 3);

    settings
        .auth
        .jwt_keys
        .insert("a".into(), SecretString::new("a".repeat(32)));
    let message = resolve_jwt_keys(&settings).unwrap_err().to_string();
    assert!(message.contains("kid `a`"), "{message}");
}

#[test]
fn bad_keys_files_are_refused() {
    let dir = TempDir::new();
    let path = dir.path().join("keys.json");
    let mut settings = settings_in(dir.path());
    settings.auth.jwt_keys_file = Some(path.clone());

    let err = resolve_jwt_keys(&settings).unwrap_err();
    assert!(err.to_string().contains("keys.json"), "missing file: {err}");

    write_keys_file(&path, "a", &[("a", &[1; 16])], 0o600);
    let message = resolve_jwt_keys(&settings).unwrap_err().to_string();
    assert!(message.contains("32 bytes"), "{message}");

    write_keys_file(&path, "z", &[("a", &[1; 32])], 0o600);
    let message = resolve_jwt_keys(&settings).unwrap_err().to_string();
    assert!(message.contains("active_kid `z`"), "{message}");

    fs::write(&path, r#"{"active_kid":"a","keys":{"a":"!!not base64!!"}}"#).unwrap();
    let message = resolve_jwt_keys(&settings).unwrap_err().to_string();
    assert!(message.contains("base64url"), "{message}");
}

#[test]
fn debug_output_shows_kids_but_no_key_material() {
    let dir = TempDir::new();
    let resolved = resolve_jwt_keys(&settings_in(dir.path())).unwrap();
    let debug = format!("{resolved:?}");
    assert!(debug.contains(&resolved.active_kid));
    let secret = &resolved.keys[0].1;
    assert!(!debug.contains(&URL_SAFE_NO_PAD.encode(secret)));
    assert!(!debug.contains(&format!("{secret:?}")));
}
