//! Loading: defaults, precedence of the sources, `_FILE` secrets.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::config_support::{TempDir, env};
use xdr_server::config::{CliOverrides, ConfigError, DatabaseUrl, LogFormat, Settings, load};

const SECRET_A: &str = "file-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SECRET_B: &str = "env-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn load_env(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    load(None, env(pairs), &CliOverrides::default())
}

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn defaults_apply_without_any_source() {
    let settings = load_env(&[]).unwrap();
    assert_eq!(settings.server.bind, addr("127.0.0.1:8080"));
    assert_eq!(settings.server.data_dir, PathBuf::from("./data"));
    assert_eq!(settings.server.workers, 0);
    assert!(settings.server.effective_workers() >= 1);
    assert_eq!(settings.server.body_limit_bytes, 1_048_576);
    assert!(settings.server.trusted_proxies.is_empty());
    assert!(settings.server.run_migrations);
    assert_eq!(settings.server.shutdown_timeout_seconds, 10);
    assert!(settings.server.cors_allowed_origins.is_empty());
    assert_eq!(
        settings.database.url.expose(),
        "sqlite://./data/mini-xdr.db"
    );
    assert_eq!(settings.database.pool_size, 10);
    assert_eq!(settings.database.connect_timeout_seconds, 5);
    assert_eq!(settings.database.sqlite_busy_timeout_ms, 5000);
    let auth = &settings.auth;
    assert_eq!(auth.bcrypt_cost, 12);
    assert_eq!(auth.access_token_ttl_seconds, 900);
    assert_eq!(auth.refresh_token_ttl_days, 30);
    assert_eq!(
        (auth.issuer.as_str(), auth.audience.as_str()),
        ("mini-xdr", "mini-xdr-api")
    );
    assert!(auth.jwt_secret.is_none() && auth.jwt_keys.is_empty());
    assert!(auth.jwt_active_kid.is_none() && auth.jwt_keys_file.is_none());
    assert_eq!(auth.lockout_max_failures, 5);
    assert_eq!(auth.lockout_window_seconds, 900);
    assert_eq!(auth.lockout_duration_seconds, 900);
    assert_eq!(auth.session_cache_ttl_ms, 1000);
    assert_eq!(auth.password_hash_concurrency, 0);
    assert!(settings.rate_limit.enabled);
    assert_eq!(settings.rate_limit.per_ip_per_minute, 30);
    assert_eq!(settings.rate_limit.burst, 10);
    assert_eq!(settings.log.format, LogFormat::Auto);
    assert_eq!(settings.log.level, "info");
}

#[test]
fn flags_beat_env_which_beats_file_which_beats_defaults() {
    let dir = TempDir::new();
    let file = dir.write(
        "mini-xdr.toml",
        r#"
        [server]
        bind = "0.0.0.0:1001"
        data_dir = "/from/file"
        workers = 3
        [database]
        pool_size = 4
        [auth]
        bcrypt_cost = 11
        access_token_ttl_seconds = 600
        [log]
        format = "json"
        "#,
    );
    let environment = env(&[
        ("MINI_XDR__SERVER__BIND", "0.0.0.0:1002"),
        ("MINI_XDR__SERVER__DATA_DIR", "/from/env"),
        ("MINI_XDR__AUTH__BCRYPT_COST", "13"),
        (
            "MINI_XDR__SERVER__TRUSTED_PROXIES",
            "10.0.0.1,192.168.0.0/16, ::1",
        ),
        ("MINI_XDR__RATE_LIMIT__ENABLED", "false"),
        ("UNRELATED", "ignored"),
    ]);
    let flags = CliOverrides {
        bind: Some(addr("0.0.0.0:1003")),
        run_migrations: Some(false),
        ..CliOverrides::default()
    };
    let settings = load(Some(&file), environment, &flags).unwrap();

    assert_eq!(settings.server.bind, addr("0.0.0.0:1003"), "flag wins");
    assert_eq!(
        settings.server.data_dir,
        PathBuf::from("/from/env"),
        "env beats file"
    );
    assert_eq!(settings.auth.bcrypt_cost, 13, "env beats file");
    assert_eq!(settings.server.workers, 3, "file beats default");
    assert_eq!(settings.database.pool_size, 4);
    assert_eq!(settings.auth.access_token_ttl_seconds, 600);
    assert_eq!(settings.log.format, LogFormat::Json);
    assert_eq!(settings.auth.refresh_token_ttl_days, 30, "default kept");
    assert!(!settings.server.run_migrations);
    assert!(!settings.rate_limit.enabled);
    assert_eq!(
        settings.server.trusted_proxies,
        ["10.0.0.1", "192.168.0.0/16", "::1"]
    );
    assert_eq!(
        settings.database.url.expose(),
        "sqlite:///from/env/mini-xdr.db"
    );
}

#[test]
fn sqlite_default_url_follows_the_data_dir_flag() {
    let flags = CliOverrides {
        data_dir: Some(PathBuf::from("/srv/xdr")),
        ..CliOverrides::default()
    };
    let settings = load(None, env(&[]), &flags).unwrap();
    assert_eq!(
        settings.database.url.expose(),
        "sqlite:///srv/xdr/mini-xdr.db"
    );
}

#[test]
fn explicit_database_url_is_kept_and_the_flag_wins() {
    let environment = env(&[("MINI_XDR__DATABASE__URL", "postgres://u:pw@db/env")]);
    let settings = load(None, environment.clone(), &CliOverrides::default()).unwrap();
    assert_eq!(settings.database.url.expose(), "postgres://u:pw@db/env");

    let flags = CliOverrides {
        database_url: Some(DatabaseUrl::new("postgresql://db/flag")),
        ..CliOverrides::default()
    };
    let settings = load(None, environment, &flags).unwrap();
    assert_eq!(settings.database.url.expose(), "postgresql://db/flag");
}

#[test]
fn jwt_keys_can_be_set_from_file_and_env() {
    let dir = TempDir::new();
    let file = dir.write(
        "c.toml",
        &format!("[auth.jwt_keys]\nk1 = \"{SECRET_A}\"\n[auth]\njwt_active_kid = \"k1\"\n"),
    );
    let environment = env(&[("MINI_XDR__AUTH__JWT_KEYS__k2", SECRET_B)]);
    let settings = load(Some(&file), environment, &CliOverrides::default()).unwrap();
    let keys: Vec<(&str, &str)> = settings
        .auth
        .jwt_keys
        .iter()
        .map(|(kid, secret)| (kid.as_str(), secret.expose()))
        .collect();
    assert_eq!(keys, [("k1", SECRET_A), ("k2", SECRET_B)]);
    assert_eq!(settings.auth.jwt_active_kid.as_deref(), Some("k1"));
}

#[test]
fn missing_config_file_is_an_error() {
    let dir = TempDir::new();
    let missing = dir.path().join("nope.toml");
    let err = load(Some(&missing), env(&[]), &CliOverrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::ReadFile { .. }), "{err}");
    assert!(err.to_string().contains("nope.toml"), "{err}");
}

#[test]
fn malformed_config_file_is_an_error() {
    let dir = TempDir::new();
    let file = dir.write("bad.toml", "[server\nbind = ");
    let err = load(Some(&file), env(&[]), &CliOverrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::ParseFile { .. }), "{err}");
}

fn with_secret_file(dir: &TempDir, name: &str, content: &str) -> String {
    dir.write(name, content).display().to_string()
}

#[test]
fn secrets_are_read_from_file_variables_without_the_trailing_newline() {
    let dir = TempDir::new();
    let jwt = with_secret_file(&dir, "jwt", &format!("{SECRET_B}\n"));
    let url = with_secret_file(&dir, "url", "postgres://xdr:pw@db/xdr\r\n");
    let settings = load_env(&[
        ("MINI_XDR__AUTH__JWT_SECRET_FILE", &jwt),
        ("MINI_XDR__DATABASE__URL_FILE", &url),
    ])
    .unwrap();
    assert_eq!(
        settings.auth.jwt_secret.as_ref().unwrap().expose(),
        SECRET_B
    );
    assert_eq!(settings.database.url.expose(), "postgres://xdr:pw@db/xdr");
}

#[test]
fn secrets_are_read_from_file_keys_in_toml() {
    let dir = TempDir::new();
    let jwt = with_secret_file(&dir, "jwt", &format!("{SECRET_A}\n"));
    let url = with_secret_file(&dir, "url", "sqlite:///var/lib/xdr.db\n");
    let file = dir.write(
        "c.toml",
        &format!("[auth]\njwt_secret_file = {jwt:?}\n[database]\nurl_file = {url:?}\n"),
    );
    let settings = load(Some(&file), env(&[]), &CliOverrides::default()).unwrap();
    assert_eq!(
        settings.auth.jwt_secret.as_ref().unwrap().expose(),
        SECRET_A
    );
    assert_eq!(settings.database.url.expose(), "sqlite:///var/lib/xdr.db");
}

#[test]
fn a_secret_file_in_env_overrides_the_value_in_the_toml_file() {
    let dir = TempDir::new();
    let jwt = with_secret_file(&dir, "jwt", SECRET_B);
    let file = dir.write("c.toml", &format!("[auth]\njwt_secret = \"{SECRET_A}\"\n"));
    let environment = env(&[("MINI_XDR__AUTH__JWT_SECRET_FILE", &jwt)]);
    let settings = load(Some(&file), environment, &CliOverrides::default()).unwrap();
    assert_eq!(
        settings.auth.jwt_secret.as_ref().unwrap().expose(),
        SECRET_B
    );
}

#[test]
fn value_and_file_together_are_an_error() {
    let dir = TempDir::new();
    let jwt = with_secret_file(&dir, "jwt", SECRET_B);
    let err = load_env(&[
        ("MINI_XDR__AUTH__JWT_SECRET", SECRET_A),
        ("MINI_XDR__AUTH__JWT_SECRET_FILE", &jwt),
    ])
    .unwrap_err();
    assert!(matches!(err, ConfigError::SecretConflict { .. }), "{err}");
    assert!(err.to_string().contains("auth.jwt_secret"), "{err}");

    let file = dir.write(
        "c.toml",
        &format!("[database]\nurl = \"sqlite://x.db\"\nurl_file = {jwt:?}\n"),
    );
    let err = load(Some(&file), env(&[]), &CliOverrides::default()).unwrap_err();
    assert!(matches!(err, ConfigError::SecretConflict { .. }), "{err}");
    assert!(err.to_string().contains("database.url"), "{err}");
}

#[test]
fn unreadable_or_empty_secret_files_are_errors() {
    let dir = TempDir::new();
    let missing = dir.path().join("missing");
    let err = load_env(&[("MINI_XDR__DATABASE__URL_FILE", path_str(&missing))]).unwrap_err();
    assert!(matches!(err, ConfigError::SecretFile { .. }), "{err}");
    assert!(err.to_string().contains("database.url_file"), "{err}");

    let empty = with_secret_file(&dir, "empty", "\n");
    let err = load_env(&[("MINI_XDR__AUTH__JWT_SECRET_FILE", &empty)]).unwrap_err();
    assert!(matches!(err, ConfigError::SecretFileEmpty { .. }), "{err}");
}

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}
