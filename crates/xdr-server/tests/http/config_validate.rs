//! Validation: every bad value stops loading with a message naming its key.

use crate::config_support::{TempDir, env};
use xdr_server::config::{CliOverrides, ConfigError, Settings, load};

const SHORT_SECRET: &str = "too-short-secret";

fn load_env(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    load(None, env(pairs), &CliOverrides::default())
}

/// Loading with `var=value` fails with a message containing every one of `needles`.
fn assert_rejected(var: &str, value: &str, needles: &[&str]) {
    let message = load_env(&[(var, value)])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(!message.is_empty(), "{var}={value} was accepted");
    for needle in needles {
        assert!(
            message.contains(needle),
            "{var}={value}: {message:?} lacks {needle:?}"
        );
    }
}

#[test]
fn unknown_database_scheme() {
    assert_rejected(
        "MINI_XDR__DATABASE__URL",
        "mysql://u:p@db/x",
        &["database.url", "`mysql`", "postgres://"],
    );
    assert_rejected("MINI_XDR__DATABASE__URL", "sqlite://", &["database.url"]);
}

#[test]
fn accepted_database_schemes() {
    for url in [
        "sqlite://data/x.db",
        "sqlite:data/x.db",
        "postgres://u:p@db/x",
        "postgresql://db/x",
    ] {
        let settings = load_env(&[("MINI_XDR__DATABASE__URL", url)]).unwrap();
        assert_eq!(settings.database.url.expose(), url);
    }
}

#[test]
fn short_jwt_secret_is_rejected_without_echoing_it() {
    let message = load_env(&[("MINI_XDR__AUTH__JWT_SECRET", SHORT_SECRET)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("auth.jwt_secret"), "{message}");
    assert!(message.contains("32 bytes"), "{message}");
    assert!(!message.contains(SHORT_SECRET), "{message}");

    let message = load_env(&[("MINI_XDR__AUTH__JWT_KEYS__k1", SHORT_SECRET)])
        .unwrap_err()
        .to_string();
    assert!(message.contains("auth.jwt_keys.k1"), "{message}");
    assert!(!message.contains(SHORT_SECRET), "{message}");
}

#[test]
fn thirty_two_byte_jwt_secret_is_accepted() {
    let secret = "x".repeat(32);
    let settings = load_env(&[("MINI_XDR__AUTH__JWT_SECRET", &secret)]).unwrap();
    assert_eq!(settings.auth.jwt_secret.unwrap().expose(), secret);
}

#[test]
fn active_kid_must_name_a_configured_key() {
    let secret = "y".repeat(40);
    let message = load(
        None,
        env(&[
            ("MINI_XDR__AUTH__JWT_KEYS__k1", &secret),
            ("MINI_XDR__AUTH__JWT_ACTIVE_KID", "k9"),
        ]),
        &CliOverrides::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(message.contains("auth.jwt_active_kid"), "{message}");
    assert!(message.contains("k9"), "{message}");
}

#[test]
fn bcrypt_cost_out_of_range() {
    for cost in ["3", "32"] {
        assert_rejected(
            "MINI_XDR__AUTH__BCRYPT_COST",
            cost,
            &["auth.bcrypt_cost", "4 and 31"],
        );
    }
    for cost in ["4", "31"] {
        assert!(load_env(&[("MINI_XDR__AUTH__BCRYPT_COST", cost)]).is_ok());
    }
}

#[test]
fn low_bcrypt_cost_is_a_warning() {
    let settings = load_env(&[("MINI_XDR__AUTH__BCRYPT_COST", "8")]).unwrap();
    assert!(
        settings
            .warnings()
            .iter()
            .any(|w| w.contains("auth.bcrypt_cost")),
        "{:?}",
        settings.warnings()
    );
    assert!(load_env(&[]).unwrap().warnings().is_empty());
}

#[test]
fn ttls_out_of_range() {
    for ttl in ["59", "86401"] {
        assert_rejected(
            "MINI_XDR__AUTH__ACCESS_TOKEN_TTL_SECONDS",
            ttl,
            &["auth.access_token_ttl_seconds"],
        );
    }
    for days in ["0", "366"] {
        assert_rejected(
            "MINI_XDR__AUTH__REFRESH_TOKEN_TTL_DAYS",
            days,
            &["auth.refresh_token_ttl_days"],
        );
    }
    assert_rejected(
        "MINI_XDR__AUTH__SESSION_CACHE_TTL_MS",
        "1001",
        &["auth.session_cache_ttl_ms"],
    );
}

#[test]
fn bind_must_be_a_socket_address() {
    assert_rejected("MINI_XDR__SERVER__BIND", "localhost", &["server.bind"]);
    assert_rejected("MINI_XDR__SERVER__BIND", "127.0.0.1", &["server.bind"]);
}

#[test]
fn trusted_proxies_must_be_ips_or_cidrs() {
    assert_rejected(
        "MINI_XDR__SERVER__TRUSTED_PROXIES",
        "10.0.0.1,10.0.0.300",
        &["server.trusted_proxies", "10.0.0.300"],
    );
    assert_rejected(
        "MINI_XDR__SERVER__TRUSTED_PROXIES",
        "10.0.0.0/33",
        &["server.trusted_proxies"],
    );
}

#[test]
fn pool_size_zero() {
    assert_rejected(
        "MINI_XDR__DATABASE__POOL_SIZE",
        "0",
        &["database.pool_size"],
    );
}

#[test]
fn bad_log_settings() {
    assert_rejected("MINI_XDR__LOG__LEVEL", "warning", &["log.level", "warning"]);
    assert_rejected("MINI_XDR__LOG__LEVEL", "info,xdr_http=loud", &["log.level"]);
    assert_rejected("MINI_XDR__LOG__LEVEL", "", &["log.level"]);
    assert_rejected("MINI_XDR__LOG__FORMAT", "xml", &["log.format", "xml"]);
    assert!(load_env(&[("MINI_XDR__LOG__LEVEL", "warn,xdr_http=debug")]).is_ok());
}

#[test]
fn wrong_types_name_the_key() {
    assert_rejected(
        "MINI_XDR__SERVER__WORKERS",
        "many",
        &["MINI_XDR__SERVER__WORKERS", "number"],
    );
    assert_rejected("MINI_XDR__AUTH__BCRYPT_COST", "-1", &["auth.bcrypt_cost"]);
}

#[test]
fn unknown_environment_keys_are_rejected() {
    assert_rejected("MINI_XDR__SERVER__BINDD", "x", &["server.bindd"]);
    assert_rejected("MINI_XDR__NOPE__BIND", "x", &["nope"]);
}

#[test]
fn unknown_key_in_file_is_named() {
    let dir = TempDir::new();
    for (content, needles) in [
        ("[server]\nbnid = \"127.0.0.1:1\"\n", ["bnid", "server"]),
        ("[srever]\nbind = \"127.0.0.1:1\"\n", ["srever", "server"]),
        (
            "[auth]\nbcrypt_cost = \"high\"\n",
            ["auth.bcrypt_cost", "high"],
        ),
    ] {
        let file = dir.write("c.toml", content);
        let message = load(Some(&file), env(&[]), &CliOverrides::default())
            .unwrap_err()
            .to_string();
        for needle in needles {
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
    }
}

#[test]
fn webhook_settings_out_of_range() {
    for (var, value, key) in [
        (
            "MINI_XDR__WEBHOOKS__TIMEOUT_SECONDS",
            "0",
            "webhooks.timeout_seconds",
        ),
        (
            "MINI_XDR__WEBHOOKS__TIMEOUT_SECONDS",
            "61",
            "webhooks.timeout_seconds",
        ),
        (
            "MINI_XDR__WEBHOOKS__MAX_ATTEMPTS",
            "0",
            "webhooks.max_attempts",
        ),
        (
            "MINI_XDR__WEBHOOKS__MAX_ATTEMPTS",
            "11",
            "webhooks.max_attempts",
        ),
        (
            "MINI_XDR__WEBHOOKS__RETRY_BACKOFF_MS",
            "1",
            "webhooks.retry_backoff_ms",
        ),
        (
            "MINI_XDR__WEBHOOKS__QUEUE_CAPACITY",
            "0",
            "webhooks.queue_capacity",
        ),
        (
            "MINI_XDR__WEBHOOKS__CONCURRENCY",
            "0",
            "webhooks.concurrency",
        ),
    ] {
        assert_rejected(var, value, &[key, "must be between"]);
    }
    assert_rejected(
        "MINI_XDR__WEBHOOKS__ALLOW_HTTP",
        "yes",
        &["expected true or false"],
    );
}

#[test]
fn webhook_settings_reach_the_delivery_config() {
    let settings = load_env(&[
        ("MINI_XDR__WEBHOOKS__TIMEOUT_SECONDS", "9"),
        ("MINI_XDR__WEBHOOKS__MAX_ATTEMPTS", "5"),
        ("MINI_XDR__WEBHOOKS__RETRY_BACKOFF_MS", "250"),
    ])
    .unwrap();
    let config = settings.webhooks.delivery_config();
    assert_eq!(config.timeout.as_secs(), 9);
    assert_eq!(config.retry.max_attempts, 5);
    assert_eq!(config.retry.base_backoff.as_millis(), 250);
    assert!(!config.url_policy.allow_http && !config.url_policy.allow_private_networks);
}

#[test]
fn loosening_the_webhook_guard_is_a_warning() {
    assert!(load_env(&[]).unwrap().warnings().is_empty());
    for (var, needle) in [
        ("MINI_XDR__WEBHOOKS__ALLOW_HTTP", "webhooks.allow_http"),
        (
            "MINI_XDR__WEBHOOKS__ALLOW_PRIVATE_NETWORKS",
            "webhooks.allow_private_networks",
        ),
    ] {
        let warnings = load_env(&[(var, "true")]).unwrap().warnings();
        assert!(warnings.iter().any(|w| w.contains(needle)), "{warnings:?}");
    }
}
