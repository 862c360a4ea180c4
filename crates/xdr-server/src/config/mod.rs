//! Configuration of the `mini-xdr` binary.
//!
//! [`load`] builds [`Settings`] from built-in defaults < an optional TOML file < `MINI_XDR__*`
//! environment variables < command-line flags, then validates it. [`resolve_jwt_keys`] turns the
//! JWT settings into key bytes (generating a keys file on the first start);
//! [`resolve_vault_keys`] does the same for the credential vault's keys. Secrets are held in
//! [`SecretString`] / [`DatabaseUrl`], which never show their content in `Debug` or
//! [`Settings::redacted`]. The full table of keys is in `docs/configuration.md`.

mod agents;
mod env;
mod error;
mod events;
mod ingest;
mod jwt_keys;
mod keys_file;
mod load;
mod log;
pub mod onboarding;
mod redact;
mod secrets;
mod settings;
mod tls;
mod validate;
mod vault_keys;
mod webhooks;

pub use agents::AgentSettings;
pub use env::ENV_PREFIX;
pub use error::ConfigError;
pub use events::{
    DEFAULT_PRUNE_BATCH_SIZE, DEFAULT_PRUNE_INTERVAL_SECONDS, DEFAULT_PRUNE_PAUSE_MS,
    EventSettings, PRUNE_BATCH_SIZE_RANGE, RETENTION_DAYS_RANGE,
};
pub use ingest::IngestSettings;
pub use jwt_keys::{ResolvedJwtKeys, resolve_jwt_keys};
pub use keys_file::{JWT_KEYS_FILE_NAME, ensure_private_dir, rotate_jwt_key};
pub use load::{CliOverrides, default_database_url, load};
pub use log::{DEFAULT_LOG_LEVEL, LogFormat, LogSettings};
pub use redact::{REDACTED, mask_database_url};
pub use secrets::{DatabaseUrl, SecretString};
pub use settings::*;
pub use tls::{CERT_FILE_KEY, KEY_FILE_KEY, TlsFiles, TlsSettings};
pub use validate::{
    ACCESS_TOKEN_TTL_SECONDS_RANGE, BCRYPT_COST_RANGE, BCRYPT_COST_WARN_BELOW, DEFAULT_JWT_KID,
    REFRESH_TOKEN_TTL_DAYS_RANGE,
};
pub use vault_keys::{
    MissingVaultKeys, ResolvedVaultKeys, VAULT_KEYS_FILE_NAME, resolve_vault_keys, rotate_vault_key,
};
pub use webhooks::{
    WEBHOOK_CONCURRENCY_RANGE, WEBHOOK_MAX_ATTEMPTS_RANGE, WEBHOOK_QUEUE_CAPACITY_RANGE,
    WEBHOOK_RETRY_BACKOFF_MS_RANGE, WEBHOOK_TIMEOUT_SECONDS_RANGE, WebhookSettings,
};
