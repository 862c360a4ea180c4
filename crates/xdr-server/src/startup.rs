//! Turning validated settings into the values the library crates take.

use std::num::NonZeroU32;
use std::sync::Arc;

use thiserror::Error;
use xdr_auth::{AuthConfig, JwtKeyError, JwtKeyRing};
use xdr_crypto::{CryptoError, KeyRing};
use xdr_domain::SystemClock;
use xdr_domain::identity::LockoutPolicy;
use xdr_http::{
    AppState, CorsOrigins, HttpConfig, InvalidOrigin, InvalidProxy, RateLimitConfig, TrustedProxies,
};
use xdr_persistence::{Database, DatabaseConfig, PersistenceError};
use xdr_service::credentials::KeyVersionsError;

use crate::config::{
    ConfigError, MissingVaultKeys, Settings, ensure_private_dir, resolve_jwt_keys,
    resolve_vault_keys,
};
use crate::wiring::{self, WiringError};

#[derive(Debug, Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] PersistenceError),
    #[error("JWT keys: {0}")]
    JwtKeys(#[from] JwtKeyError),
    #[error("vault keys: {0}")]
    VaultKeys(#[from] CryptoError),
    #[error("credential vault: {0}")]
    Vault(#[from] KeyVersionsError),
    #[error("server.trusted_proxies: {0}")]
    TrustedProxies(#[from] InvalidProxy),
    #[error("server.cors_allowed_origins: {0}")]
    CorsOrigins(#[from] InvalidOrigin),
    #[error(transparent)]
    Wiring(#[from] WiringError),
    #[error("setting out of range: {0}")]
    OutOfRange(String),
}

pub fn database_config(settings: &Settings) -> DatabaseConfig {
    DatabaseConfig {
        url: settings.database.url.expose().to_owned(),
        pool_size: settings.database.pool_size,
        connect_timeout: settings.database.connect_timeout(),
        sqlite_busy_timeout: settings.database.sqlite_busy_timeout(),
        sqlite_cache_kib: settings.database.sqlite_cache_kib,
        sqlite_mmap_mib: settings.database.sqlite_mmap_mib,
    }
}

/// Opens the database (creating the data directory first, for SQLite) and, when asked,
/// applies pending migrations, logging each one.
pub fn open_database(settings: &Settings, migrate: bool) -> Result<Database, StartupError> {
    ensure_private_dir(&settings.server.data_dir)?;
    let database = Database::connect(&database_config(settings))?;
    warn_if_row_security_bypassed(&database)?;
    if migrate {
        let applied = database.run_pending_migrations()?;
        if applied.is_empty() {
            tracing::info!("database schema is up to date");
        }
        for name in applied {
            tracing::info!(migration = %name, "applied migration");
        }
    }
    Ok(database)
}

/// PostgreSQL row-level security, the second tenant wall, does not apply to superusers and
/// `BYPASSRLS` roles: say so loudly when the server connects as one (docs/security.md).
fn warn_if_row_security_bypassed(database: &Database) -> Result<(), StartupError> {
    if let Some(role) = database.role_bypassing_row_security()? {
        tracing::warn!(
            role = %role,
            "{ROW_SECURITY_BYPASSED}: connect as an ordinary role that owns the database \
             (docs/security.md)"
        );
    }
    Ok(())
}

/// The start of the warning logged when the database role bypasses row-level security.
pub const ROW_SECURITY_BYPASSED: &str = "the database role is a superuser or has BYPASSRLS, \
     so PostgreSQL row-level security (the second tenant wall) does not apply to it";

pub fn auth_config(settings: &Settings) -> Result<AuthConfig, StartupError> {
    let auth = &settings.auth;
    let to_chrono = |d: std::time::Duration, key: &str| {
        chrono::Duration::from_std(d).map_err(|_| StartupError::OutOfRange(key.to_owned()))
    };
    Ok(AuthConfig {
        issuer: auth.issuer.clone(),
        audience: auth.audience.clone(),
        access_token_ttl: auth.access_token_ttl(),
        refresh_token_ttl: auth.refresh_token_ttl(),
        browser_session_ttl: xdr_auth::config::DEFAULT_BROWSER_SESSION_TTL
            .min(auth.refresh_token_ttl()),
        bcrypt_cost: auth.bcrypt_cost,
        password_hash_concurrency: auth.effective_password_hash_concurrency(),
        lockout: LockoutPolicy {
            max_failures: auth.lockout_max_failures,
            window: to_chrono(auth.lockout_window(), "auth.lockout_window_seconds")?,
            lock_for: to_chrono(auth.lockout_duration(), "auth.lockout_duration_seconds")?,
        },
        session_cache_ttl: auth.session_cache_ttl(),
    })
}

pub fn jwt_ring(settings: &Settings) -> Result<JwtKeyRing, StartupError> {
    // Logs a warning with the path when it generates the keys file.
    let resolved = resolve_jwt_keys(settings)?;
    Ok(JwtKeyRing::new(
        resolved.keys,
        &resolved.active_kid,
        &settings.auth.issuer,
        &settings.auth.audience,
    )?)
}

/// The credential vault's key ring (generating the keys file on a first start if asked to).
pub fn vault_ring(settings: &Settings, missing: MissingVaultKeys) -> Result<KeyRing, StartupError> {
    let resolved = resolve_vault_keys(settings, missing)?;
    if let Some(path) = &resolved.generated {
        tracing::warn!(
            path = %path.display(),
            "no vault key configured: generated one (keep this file private and backed up: \
             without it stored cloud credentials cannot be opened)"
        );
    }
    Ok(KeyRing::new(resolved.keys, resolved.active_version)?)
}

/// Refuses to serve when stored secrets (credentials, webhook secrets) name vault key
/// versions that are not configured, rather than failing later on every request that reads
/// them.
pub async fn check_vault(state: &AppState) -> Result<(), StartupError> {
    state.credentials.ensure_key_versions_configured().await?;
    state.webhooks.ensure_key_versions_configured().await?;
    state.agents.ensure_key_versions_configured().await?;
    Ok(())
}

/// Queues again, in the background, the webhook deliveries a previous run left `pending`.
pub fn resume_deliveries(state: &AppState) {
    let webhooks = std::sync::Arc::clone(&state.webhooks);
    actix_web::rt::spawn(async move {
        if let Err(error) = webhooks.resume_pending().await {
            tracing::error!(error = %error, "could not re-queue unfinished webhook deliveries");
        }
    });
}

pub fn http_config(settings: &Settings) -> Result<HttpConfig, StartupError> {
    Ok(HttpConfig {
        body_limit_bytes: settings.server.body_limit_bytes,
        trusted_proxies: TrustedProxies::parse(&settings.server.trusted_proxies)?,
        rate_limit: rate_limit(settings)?,
        agent_rate_limit: settings.agents.rate_limit(),
        export_timeout: std::time::Duration::from_secs(settings.audit.export_timeout_seconds),
        ingest_body_limit_bytes: settings.ingest.max_body_bytes,
        ingest_rate_limit: settings.ingest.rate_limit(),
        cors_origins: CorsOrigins::parse(&settings.server.cors_allowed_origins)?,
        hsts: settings.server.tls.is_enabled(),
    })
}

fn rate_limit(settings: &Settings) -> Result<Option<RateLimitConfig>, StartupError> {
    let limits = &settings.rate_limit;
    if !limits.enabled {
        return Ok(None);
    }
    let nonzero = |v: u32, key: &str| {
        NonZeroU32::new(v)
            .ok_or_else(|| StartupError::OutOfRange(format!("{key} must be at least 1")))
    };
    Ok(Some(RateLimitConfig {
        per_minute: nonzero(limits.per_ip_per_minute, "rate_limit.per_ip_per_minute")?,
        burst: nonzero(limits.burst, "rate_limit.burst")?,
        // Validated (1..=128) with the rest of the configuration.
        ipv6_prefix: limits.ipv6_prefix,
    }))
}

/// Everything `serve` needs, built from settings.
pub fn app_state(settings: &Settings, database: &Database) -> Result<AppState, StartupError> {
    let auth = auth_config(settings)?;
    let jwt = jwt_ring(settings)?;
    let vault = vault_ring(settings, MissingVaultKeys::Generate)?;
    let http = http_config(settings)?;
    let config = wiring::StateConfig {
        auth,
        jwt,
        vault,
        http,
        webhooks: settings.webhooks.delivery_config(),
        agents: settings.agents.agent_config(),
        ingest: settings.ingest.ingest_config(),
        onboarding: crate::config::onboarding::onboarding_config(
            &settings.discovery,
            &settings.downloads,
            crate::config::onboarding::public_url(
                &settings.server.public_url,
                settings.server.bind,
                settings.server.tls.is_enabled(),
            ),
        )?,
    };
    Ok(wiring::build_state(
        database,
        config,
        Arc::new(SystemClock),
    )?)
}
