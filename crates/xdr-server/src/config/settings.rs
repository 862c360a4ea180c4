//! The effective configuration: one struct per section, each field with its default.
//!
//! `docs/configuration.md` describes every key; keep the two in step.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::agents::AgentSettings;
use super::events::EventSettings;
use super::ingest::IngestSettings;
use super::log::LogSettings;
use super::onboarding::{DiscoverySettings, DownloadSettings};
use super::secrets::{DatabaseUrl, SecretString};
use super::tls::TlsSettings;
use super::webhooks::WebhookSettings;

pub const DEFAULT_BIND: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_BODY_LIMIT_BYTES: usize = 1024 * 1024;
/// Below Docker's and Kubernetes' default stop grace (10 s and 30 s) once the exit itself is
/// counted: compose gives 15 s (docker-compose.yml).
pub const DEFAULT_SHUTDOWN_TIMEOUT_SECONDS: u64 = 10;
/// File name of the SQLite database inside the data directory when no URL is configured.
pub const SQLITE_FILE_NAME: &str = "mini-xdr.db";
pub const DEFAULT_POOL_SIZE: u32 = 10;
pub const DEFAULT_CONNECT_TIMEOUT_SECONDS: u64 = 5;
pub const DEFAULT_SQLITE_BUSY_TIMEOUT_MS: u64 = 5000;
pub const DEFAULT_BCRYPT_COST: u32 = 12;
pub const DEFAULT_ACCESS_TOKEN_TTL_SECONDS: u64 = 15 * 60;
pub const DEFAULT_REFRESH_TOKEN_TTL_DAYS: u64 = 30;
pub const DEFAULT_ISSUER: &str = "mini-xdr";
pub const DEFAULT_AUDIENCE: &str = "mini-xdr-api";
pub const DEFAULT_LOCKOUT_MAX_FAILURES: u32 = 5;
pub const DEFAULT_LOCKOUT_WINDOW_SECONDS: u64 = 15 * 60;
pub const DEFAULT_LOCKOUT_DURATION_SECONDS: u64 = 15 * 60;
pub const DEFAULT_SESSION_CACHE_TTL_MS: u64 = 1000;
pub const DEFAULT_PER_IP_PER_MINUTE: u32 = 30;
pub const DEFAULT_BURST: u32 = 10;
const SECONDS_PER_DAY: u64 = 24 * 60 * 60;

/// The whole configuration, as loaded by [`super::load`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub rate_limit: RateLimitSettings,
    pub log: LogSettings,
    pub vault: VaultSettings,
    pub audit: AuditSettings,
    pub events: EventSettings,
    pub webhooks: WebhookSettings,
    pub agents: AgentSettings,
    pub ingest: IngestSettings,
    pub discovery: DiscoverySettings,
    pub downloads: DownloadSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// HTTP worker threads; 0 means one per CPU (see [`ServerSettings::effective_workers`]).
    pub workers: usize,
    pub body_limit_bytes: usize,
    /// Peers allowed to set `X-Forwarded-For`: IP addresses or CIDR ranges (validated).
    pub trusted_proxies: Vec<String>,
    pub run_migrations: bool,
    /// On SIGTERM or SIGINT: how long requests in flight may take to finish.
    pub shutdown_timeout_seconds: u64,
    /// On SIGTERM or SIGINT: how long `/readyz` fails before the listener closes.
    pub shutdown_delay_seconds: u64,
    /// Browser origins (`scheme://host[:port]`) allowed to call the API; empty: CORS off.
    pub cors_allowed_origins: Vec<String>,
    /// Where agents reach this server (the install scripts embed it); empty: `http://` and
    /// the bind address.
    pub public_url: String,
    /// `[server.tls]`: serve HTTPS with this certificate and key; unset: plain HTTP.
    pub tls: TlsSettings,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND,
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            workers: 0,
            body_limit_bytes: DEFAULT_BODY_LIMIT_BYTES,
            trusted_proxies: Vec::new(),
            run_migrations: true,
            shutdown_timeout_seconds: DEFAULT_SHUTDOWN_TIMEOUT_SECONDS,
            shutdown_delay_seconds: 0,
            cors_allowed_origins: Vec::new(),
            public_url: String::new(),
            tls: TlsSettings::default(),
        }
    }
}

impl ServerSettings {
    pub fn effective_workers(&self) -> usize {
        or_cpu_count(self.workers)
    }

    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_secs(self.shutdown_timeout_seconds)
    }

    pub fn shutdown_delay(&self) -> Duration {
        Duration::from_secs(self.shutdown_delay_seconds)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// Never empty after [`super::load`]: an empty URL becomes `sqlite://<data_dir>/mini-xdr.db`.
    pub url: DatabaseUrl,
    pub pool_size: u32,
    pub connect_timeout_seconds: u64,
    pub sqlite_busy_timeout_ms: u64,
    /// SQLite's page cache per connection, in KiB.
    pub sqlite_cache_kib: u32,
    /// SQLite's memory map per connection, in MiB (0: off).
    pub sqlite_mmap_mib: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: DatabaseUrl::default(),
            pool_size: DEFAULT_POOL_SIZE,
            connect_timeout_seconds: DEFAULT_CONNECT_TIMEOUT_SECONDS,
            sqlite_busy_timeout_ms: DEFAULT_SQLITE_BUSY_TIMEOUT_MS,
            sqlite_cache_kib: xdr_persistence::DEFAULT_SQLITE_CACHE_KIB,
            sqlite_mmap_mib: xdr_persistence::DEFAULT_SQLITE_MMAP_MIB,
        }
    }
}

impl DatabaseSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds)
    }

    pub fn sqlite_busy_timeout(&self) -> Duration {
        Duration::from_millis(self.sqlite_busy_timeout_ms)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    pub bcrypt_cost: u32,
    pub access_token_ttl_seconds: u64,
    pub refresh_token_ttl_days: u64,
    pub issuer: String,
    pub audience: String,
    /// One HS256 key with kid `default`.
    pub jwt_secret: Option<SecretString>,
    /// HS256 keys by kid.
    pub jwt_keys: BTreeMap<String, SecretString>,
    /// Signing key; defaults to the keys file's choice, else the greatest kid.
    pub jwt_active_kid: Option<String>,
    /// A JSON keys file (see [`super::resolve_jwt_keys`]).
    pub jwt_keys_file: Option<PathBuf>,
    pub lockout_max_failures: u32,
    pub lockout_window_seconds: u64,
    pub lockout_duration_seconds: u64,
    pub session_cache_ttl_ms: u64,
    /// Password hashes computed at once; 0 means half the CPUs (at least one).
    pub password_hash_concurrency: usize,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            bcrypt_cost: DEFAULT_BCRYPT_COST,
            access_token_ttl_seconds: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
            refresh_token_ttl_days: DEFAULT_REFRESH_TOKEN_TTL_DAYS,
            issuer: DEFAULT_ISSUER.to_owned(),
            audience: DEFAULT_AUDIENCE.to_owned(),
            jwt_secret: None,
            jwt_keys: BTreeMap::new(),
            jwt_active_kid: None,
            jwt_keys_file: None,
            lockout_max_failures: DEFAULT_LOCKOUT_MAX_FAILURES,
            lockout_window_seconds: DEFAULT_LOCKOUT_WINDOW_SECONDS,
            lockout_duration_seconds: DEFAULT_LOCKOUT_DURATION_SECONDS,
            session_cache_ttl_ms: DEFAULT_SESSION_CACHE_TTL_MS,
            password_hash_concurrency: 0,
        }
    }
}

impl AuthSettings {
    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_seconds)
    }

    pub fn refresh_token_ttl(&self) -> Duration {
        Duration::from_secs(self.refresh_token_ttl_days.saturating_mul(SECONDS_PER_DAY))
    }

    pub fn lockout_window(&self) -> Duration {
        Duration::from_secs(self.lockout_window_seconds)
    }

    pub fn lockout_duration(&self) -> Duration {
        Duration::from_secs(self.lockout_duration_seconds)
    }

    pub fn session_cache_ttl(&self) -> Duration {
        Duration::from_millis(self.session_cache_ttl_ms)
    }

    /// bcrypt computations at once: as configured, else half the CPUs (at least one), so that
    /// a login storm leaves the other half to every other request.
    pub fn effective_password_hash_concurrency(&self) -> usize {
        if self.password_hash_concurrency > 0 {
            self.password_hash_concurrency
        } else {
            (or_cpu_count(0) / 2).max(1)
        }
    }
}

/// The credential vault's keys (XChaCha20-Poly1305, 32 bytes each, by version).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VaultSettings {
    /// Base64 keys by version (`"1" = "..."`); versions are whole numbers from 1.
    pub keys: BTreeMap<String, SecretString>,
    /// Version new secrets are sealed with; defaults to the keys file's, else the greatest.
    #[serde(deserialize_with = "super::vault_keys::optional_version")]
    pub active_version: Option<u32>,
    /// A JSON vault keys file (see [`super::resolve_vault_keys`]).
    pub keys_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub per_ip_per_minute: u32,
    pub burst: u32,
    /// IPv6 clients are counted per network of this many leading bits (IPv4 per address).
    pub ipv6_prefix: u8,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            per_ip_per_minute: DEFAULT_PER_IP_PER_MINUTE,
            burst: DEFAULT_BURST,
            ipv6_prefix: xdr_http::rate_limit::DEFAULT_IPV6_PREFIX,
        }
    }
}

/// `[audit]`: retention of the audit log (applied by `mini-xdr audit prune`) and exports.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// Days entries are kept; unset keeps them forever (and `audit prune` refuses to run).
    pub retention_days: Option<u32>,
    /// An export still streaming after this many seconds is cut off.
    pub export_timeout_seconds: u64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_days: None,
            export_timeout_seconds: xdr_http::state::DEFAULT_EXPORT_TIMEOUT.as_secs(),
        }
    }
}

fn or_cpu_count(configured: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
    }
}
