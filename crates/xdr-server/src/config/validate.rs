//! Checks on a loaded configuration, so that a bad value stops the start with a clear message
//! instead of surfacing later.

use std::fmt::Display;
use std::ops::RangeInclusive;

use xdr_auth::config::MAX_SESSION_CACHE_TTL;
use xdr_auth::jwt::MIN_JWT_KEY_BYTES;
use xdr_http::{CorsOrigins, TrustedProxies};

use super::error::ConfigError;
use super::settings::Settings;
use super::vault_keys::check_vault_settings;
use crate::logging::parse_filter;

pub const BCRYPT_COST_RANGE: RangeInclusive<u32> = 4..=31;
/// Costs below this are accepted (tests, small machines) but logged as a warning.
pub const BCRYPT_COST_WARN_BELOW: u32 = 10;
pub const ACCESS_TOKEN_TTL_SECONDS_RANGE: RangeInclusive<u64> = 60..=86_400;
pub const REFRESH_TOKEN_TTL_DAYS_RANGE: RangeInclusive<u64> = 1..=365;
/// A load balancer notices a failing `/readyz` within a few probe intervals.
pub const SHUTDOWN_DELAY_SECONDS_RANGE: RangeInclusive<u64> = 0..=60;
/// 64 KiB to 4 GiB of page cache per SQLite connection.
pub const SQLITE_CACHE_KIB_RANGE: RangeInclusive<u32> = 64..=4_194_304;
/// Up to 64 GiB mapped per SQLite connection (SQLite caps it at its compile-time maximum).
pub const SQLITE_MMAP_MIB_RANGE: RangeInclusive<u32> = 0..=65_536;
/// The kid of `auth.jwt_secret`.
pub const DEFAULT_JWT_KID: &str = "default";
const SCHEMES: [&str; 4] = ["sqlite://", "sqlite:", "postgres://", "postgresql://"];

pub(crate) fn validate(settings: &Settings) -> Result<(), ConfigError> {
    let server = &settings.server;
    TrustedProxies::parse(&server.trusted_proxies)
        .map_err(|e| ConfigError::invalid("server.trusted_proxies", e.to_string()))?;
    CorsOrigins::parse(&server.cors_allowed_origins)
        .map_err(|e| ConfigError::invalid("server.cors_allowed_origins", e.to_string()))?;
    at_least_one("server.body_limit_bytes", server.body_limit_bytes)?;
    in_range(
        "server.shutdown_delay_seconds",
        server.shutdown_delay_seconds,
        SHUTDOWN_DELAY_SECONDS_RANGE,
    )?;
    server.tls.validate()?;

    let database = &settings.database;
    check_database_url(database.url.expose())?;
    at_least_one("database.pool_size", database.pool_size)?;
    at_least_one(
        "database.connect_timeout_seconds",
        database.connect_timeout_seconds,
    )?;
    in_range(
        "database.sqlite_cache_kib",
        database.sqlite_cache_kib,
        SQLITE_CACHE_KIB_RANGE,
    )?;
    in_range(
        "database.sqlite_mmap_mib",
        database.sqlite_mmap_mib,
        SQLITE_MMAP_MIB_RANGE,
    )?;

    let auth = &settings.auth;
    in_range("auth.bcrypt_cost", auth.bcrypt_cost, BCRYPT_COST_RANGE)?;
    in_range(
        "auth.access_token_ttl_seconds",
        auth.access_token_ttl_seconds,
        ACCESS_TOKEN_TTL_SECONDS_RANGE,
    )?;
    in_range(
        "auth.refresh_token_ttl_days",
        auth.refresh_token_ttl_days,
        REFRESH_TOKEN_TTL_DAYS_RANGE,
    )?;
    let max_cache_ms = u64::try_from(MAX_SESSION_CACHE_TTL.as_millis()).unwrap_or(u64::MAX);
    in_range(
        "auth.session_cache_ttl_ms",
        auth.session_cache_ttl_ms,
        0..=max_cache_ms,
    )?;
    not_empty("auth.issuer", &auth.issuer)?;
    not_empty("auth.audience", &auth.audience)?;
    at_least_one("auth.lockout_max_failures", auth.lockout_max_failures)?;
    at_least_one("auth.lockout_window_seconds", auth.lockout_window_seconds)?;
    at_least_one(
        "auth.lockout_duration_seconds",
        auth.lockout_duration_seconds,
    )?;
    check_jwt_keys(settings)?;
    check_vault_settings(settings)?;

    if settings.rate_limit.enabled {
        at_least_one(
            "rate_limit.per_ip_per_minute",
            settings.rate_limit.per_ip_per_minute,
        )?;
        at_least_one("rate_limit.burst", settings.rate_limit.burst)?;
        in_range(
            "rate_limit.ipv6_prefix",
            settings.rate_limit.ipv6_prefix,
            1..=128,
        )?;
    }

    if let Some(days) = settings.audit.retention_days {
        at_least_one("audit.retention_days", days)?;
    }
    at_least_one(
        "audit.export_timeout_seconds",
        settings.audit.export_timeout_seconds,
    )?;

    settings.events.validate()?;
    settings.webhooks.validate()?;
    settings.agents.validate()?;
    settings.ingest.validate()?;
    settings.discovery.validate()?;
    super::onboarding::check_public_url(&settings.server.public_url)?;

    not_empty("log.level", &settings.log.level)?;
    parse_filter(&settings.log.level)
        .map_err(|e| ConfigError::invalid("log.level", e.to_string()))?;
    Ok(())
}

/// A secret long enough for HS256 (at least [`MIN_JWT_KEY_BYTES`] bytes).
pub(crate) fn check_jwt_secret(key: &str, secret: &[u8]) -> Result<(), ConfigError> {
    if secret.len() < MIN_JWT_KEY_BYTES {
        return Err(ConfigError::invalid(
            key,
            format!(
                "a JWT key must be at least {MIN_JWT_KEY_BYTES} bytes, this one has {}",
                secret.len()
            ),
        ));
    }
    Ok(())
}

fn check_jwt_keys(settings: &Settings) -> Result<(), ConfigError> {
    let auth = &settings.auth;
    if let Some(secret) = &auth.jwt_secret {
        check_jwt_secret("auth.jwt_secret", secret.expose().as_bytes())?;
        if auth.jwt_keys.contains_key(DEFAULT_JWT_KID) {
            return Err(ConfigError::invalid(
                format!("auth.jwt_keys.{DEFAULT_JWT_KID}"),
                format!("kid `{DEFAULT_JWT_KID}` is already taken by `auth.jwt_secret`"),
            ));
        }
    }
    for (kid, secret) in &auth.jwt_keys {
        if kid.trim().is_empty() {
            return Err(ConfigError::invalid(
                "auth.jwt_keys",
                "a kid must not be empty",
            ));
        }
        check_jwt_secret(&format!("auth.jwt_keys.{kid}"), secret.expose().as_bytes())?;
    }
    // Keys from a keys file are known only when it is read (`resolve_jwt_keys` checks then).
    let inline_only =
        auth.jwt_keys_file.is_none() && (auth.jwt_secret.is_some() || !auth.jwt_keys.is_empty());
    if let (true, Some(active)) = (inline_only, &auth.jwt_active_kid) {
        let known = auth.jwt_keys.contains_key(active)
            || (auth.jwt_secret.is_some() && active == DEFAULT_JWT_KID);
        if !known {
            return Err(ConfigError::invalid(
                "auth.jwt_active_kid",
                format!("no configured JWT key has kid `{active}`"),
            ));
        }
    }
    Ok(())
}

fn check_database_url(url: &str) -> Result<(), ConfigError> {
    let Some(scheme) = SCHEMES.iter().find(|s| url.starts_with(*s)) else {
        let scheme = url.split_once(':').map_or("none", |(scheme, _)| scheme);
        return Err(ConfigError::invalid(
            "database.url",
            format!(
                "unsupported scheme `{scheme}`; expected one of {}",
                SCHEMES.join(", ")
            ),
        ));
    };
    if url.len() == scheme.len() {
        return Err(ConfigError::invalid("database.url", "names no database"));
    }
    Ok(())
}

fn in_range<T: PartialOrd + Display>(
    key: &str,
    value: T,
    range: RangeInclusive<T>,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(ConfigError::invalid(
        key,
        format!(
            "must be between {} and {}, got {value}",
            range.start(),
            range.end()
        ),
    ))
}

fn at_least_one<T: PartialOrd + Display + From<u8>>(
    key: &str,
    value: T,
) -> Result<(), ConfigError> {
    if value >= T::from(1) {
        return Ok(());
    }
    Err(ConfigError::invalid(
        key,
        format!("must be at least 1, got {value}"),
    ))
}

fn not_empty(key: &str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        return Err(ConfigError::invalid(key, "must not be empty"));
    }
    Ok(())
}

impl Settings {
    /// Acceptable but doubtful choices, for the log once logging is set up.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.auth.bcrypt_cost < BCRYPT_COST_WARN_BELOW {
            warnings.push(format!(
                "auth.bcrypt_cost is {}: below {BCRYPT_COST_WARN_BELOW}, password hashes are cheap to crack",
                self.auth.bcrypt_cost
            ));
        }
        if !self.rate_limit.enabled {
            warnings
                .push("rate_limit.enabled is false: auth endpoints are not rate limited".into());
        }
        warnings.extend(self.webhooks.warnings());
        warnings
    }

    /// Logs each of [`Settings::warnings`] at `warn` level.
    pub fn log_warnings(&self) {
        for warning in self.warnings() {
            tracing::warn!("{warning}");
        }
    }
}
