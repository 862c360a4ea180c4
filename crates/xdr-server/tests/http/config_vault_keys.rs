//! Vault keys: configured inline or in a keys file, generated on first start, rotated, and
//! never shown.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::config_support::{TempDir, env, mode};
use xdr_crypto::{Key, KeyRing};
use xdr_server::config::{
    CliOverrides, ConfigError, MissingVaultKeys, ResolvedVaultKeys, Settings, load,
    resolve_vault_keys, rotate_vault_key,
};

const KEY_1: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";
const KEY_2: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=";

fn settings_in(dir: &Path) -> Settings {
    let mut settings = Settings::default();
    settings.server.data_dir = dir.join("data");
    settings
}

fn load_env(dir: &Path, pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let data_dir = dir.join("data");
    let mut vars = env(pairs);
    vars.push((
        "MINI_XDR__SERVER__DATA_DIR".into(),
        data_dir.display().to_string(),
    ));
    load(None, vars, &CliOverrides::default())
}

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn ring(resolved: ResolvedVaultKeys) -> KeyRing {
    KeyRing::new(resolved.keys, resolved.active_version).unwrap()
}

#[allow(clippy::unwrap_used)]
fn versions(resolved: &ResolvedVaultKeys) -> Vec<u32> {
    resolved.keys.iter().map(|(v, _)| *v).collect()
}

#[test]
#[allow(clippy::unwrap_used)]
fn first_start_generates_a_private_keys_file_and_later_starts_reuse_it() {
    let dir = TempDir::new();
    let settings = settings_in(dir.path());
    let path = dir.path().join("data").join("vault-keys.json");
    let refused = resolve_vault_keys(&settings, MissingVaultKeys::Refuse).unwrap_err();
    assert!(refused.to_string().contains("does not exist"), "{refused}");
    assert!(!path.exists(), "operator commands never invent a key");

    let first = resolve_vault_keys(&settings, MissingVaultKeys::Generate).unwrap();
    assert_eq!(first.generated.as_deref(), Some(path.as_path()));
    assert_eq!((versions(&first), first.active_version), (vec![1], 1));
    assert_eq!(mode(&path), 0o600);
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(file["active_version"], 1);
    assert!(Key::from_base64(file["keys"]["1"].as_str().unwrap()).is_ok());

    let sealed = ring(first).seal(b"secret", b"aad").unwrap();
    let second = resolve_vault_keys(&settings, MissingVaultKeys::Refuse).unwrap();
    assert_eq!(second.generated, None);
    assert_eq!(
        ring(second).open(&sealed, b"aad").unwrap().as_slice(),
        b"secret"
    );
}

#[test]
#[allow(clippy::unwrap_used)]
fn rotation_adds_an_active_version_and_keeps_the_old_keys() {
    let dir = TempDir::new();
    let settings = settings_in(dir.path());
    let old = ring(resolve_vault_keys(&settings, MissingVaultKeys::Generate).unwrap());
    let sealed = old.seal(b"secret", b"aad").unwrap();
    let path = settings.vault_keys_path().unwrap();
    assert_eq!(rotate_vault_key(&path).unwrap(), 2);
    assert_eq!(rotate_vault_key(&path).unwrap(), 3);
    assert_eq!(mode(&path), 0o600);
    let resolved = resolve_vault_keys(&settings, MissingVaultKeys::Refuse).unwrap();
    assert_eq!(
        (versions(&resolved), resolved.active_version),
        (vec![1, 2, 3], 3)
    );
    let rotated = ring(resolved);
    assert_eq!(rotated.open(&sealed, b"aad").unwrap().as_slice(), b"secret");
    assert_eq!(rotated.seal(b"x", b"").unwrap().key_version, 3);

    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let err = rotate_vault_key(&path).unwrap_err().to_string();
    assert!(
        err.contains("vault keys file") && err.contains("chmod 600"),
        "{err}"
    );
    assert!(resolve_vault_keys(&settings, MissingVaultKeys::Refuse).is_err());
}

#[test]
#[allow(clippy::unwrap_used)]
fn inline_keys_from_the_environment() {
    let dir = TempDir::new();
    let settings = load_env(
        dir.path(),
        &[
            ("MINI_XDR__VAULT__KEYS__1", KEY_1),
            ("MINI_XDR__VAULT__KEYS__2", KEY_2),
            ("MINI_XDR__VAULT__ACTIVE_VERSION", "1"),
        ],
    )
    .unwrap();
    assert_eq!(settings.vault.active_version, Some(1));
    assert_eq!(
        settings.vault_keys_path(),
        None,
        "rotated in the configuration"
    );
    let resolved = resolve_vault_keys(&settings, MissingVaultKeys::Generate).unwrap();
    assert_eq!(
        (versions(&resolved), resolved.active_version),
        (vec![1, 2], 1)
    );
    assert!(!dir.path().join("data").join("vault-keys.json").exists());
    // Without an active version the greatest one seals.
    let greatest = load_env(
        dir.path(),
        &[
            ("MINI_XDR__VAULT__KEYS__1", KEY_1),
            ("MINI_XDR__VAULT__KEYS__2", KEY_2),
        ],
    )
    .unwrap();
    assert_eq!(
        resolve_vault_keys(&greatest, MissingVaultKeys::Refuse)
            .unwrap()
            .active_version,
        2
    );
    let shown = greatest.redacted();
    assert!(!shown.contains(KEY_1) && !shown.contains(KEY_2), "{shown}");
    assert!(!format!("{greatest:?}").contains(KEY_1));
}

#[test]
fn bad_vault_settings_are_refused_without_showing_keys() {
    let dir = TempDir::new();
    let cases: [(&[(&str, &str)], &str); 6] = [
        (
            &[("MINI_XDR__VAULT__KEYS__1", "bm90IGEga2V5")],
            "vault.keys.1",
        ),
        (&[("MINI_XDR__VAULT__KEYS__01", KEY_1)], "vault.keys.01"),
        (&[("MINI_XDR__VAULT__KEYS__0", KEY_1)], "vault.keys.0"),
        (&[("MINI_XDR__VAULT__KEYS__one", KEY_1)], "vault.keys.one"),
        (
            &[
                ("MINI_XDR__VAULT__KEYS__1", KEY_1),
                ("MINI_XDR__VAULT__ACTIVE_VERSION", "2"),
            ],
            "vault.active_version",
        ),
        (
            &[("MINI_XDR__VAULT__ACTIVE_VERSION", "two")],
            "MINI_XDR__VAULT__ACTIVE_VERSION",
        ),
    ];
    for (vars, needle) in cases {
        let message = match load_env(dir.path(), vars) {
            Ok(_) => panic!("{vars:?} accepted"),
            Err(e) => e.to_string(),
        };
        assert!(
            message.contains(needle) || message.contains("active_version"),
            "{message}"
        );
        assert!(
            !message.contains(KEY_1) && !message.contains("bm90IGEga2V5"),
            "{message}"
        );
    }
}

#[test]
#[allow(clippy::unwrap_used)]
fn a_configured_keys_file_combines_with_inline_keys() {
    let dir = TempDir::new();
    let path = dir.write(
        "vault.json",
        &format!(r#"{{"active_version": 2, "keys": {{"2": "{KEY_2}"}}}}"#),
    );
    let path_text = path.display().to_string();
    let settings = load_env(
        dir.path(),
        &[
            ("MINI_XDR__VAULT__KEYS_FILE", &path_text),
            ("MINI_XDR__VAULT__KEYS__1", KEY_1),
        ],
    )
    .unwrap();
    let resolved = resolve_vault_keys(&settings, MissingVaultKeys::Generate).unwrap();
    assert_eq!(
        (versions(&resolved), resolved.active_version),
        (vec![1, 2], 2)
    );
    assert_eq!(resolved.generated, None);

    let clash = load_env(
        dir.path(),
        &[
            ("MINI_XDR__VAULT__KEYS_FILE", &path_text),
            ("MINI_XDR__VAULT__KEYS__2", KEY_1),
        ],
    )
    .unwrap();
    let err = resolve_vault_keys(&clash, MissingVaultKeys::Generate)
        .unwrap_err()
        .to_string();
    assert!(err.contains("version 2 is also configured"), "{err}");

    let missing = load_env(
        dir.path(),
        &[("MINI_XDR__VAULT__KEYS_FILE", "/nonexistent/vault.json")],
    )
    .unwrap();
    assert!(
        resolve_vault_keys(&missing, MissingVaultKeys::Generate).is_err(),
        "a configured file must exist"
    );
    let bad = dir.write(
        "bad.json",
        r#"{"active_version": 5, "keys": {"1": "AQEB"}}"#,
    );
    let mut settings = settings_in(dir.path());
    settings.vault.keys_file = Some(bad);
    let err = resolve_vault_keys(&settings, MissingVaultKeys::Generate)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("vault keys file") && err.contains("key 1"),
        "{err}"
    );
}
