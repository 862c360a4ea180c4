//! The vault's operator commands: `keys rotate --kind vault` and `vault rewrap`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;
use xdr_auth::InternalError;
use xdr_domain::SystemClock;
use xdr_domain::ports::AgentRepository;
use xdr_service::credentials::{RewrapReport, check_key_versions};

use crate::config::{self, ConfigError, MissingVaultKeys, Settings};
use crate::startup::{self, StartupError};
use crate::wiring;

#[derive(Debug, Error)]
pub enum VaultCommandError {
    #[error(
        "the vault keys are configured inline (vault.keys): rotate them in the configuration \
         (add a key under a new version, set vault.active_version, restart, run `mini-xdr vault \
         rewrap`)"
    )]
    InlineKeys,
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("vault rewrap: {0}")]
    Internal(#[from] InternalError),
}

/// Adds a new active key to the vault keys file in use; returns its version.
pub fn rotate_key(settings: &Settings) -> Result<u32, VaultCommandError> {
    let path = settings
        .vault_keys_path()
        .ok_or(VaultCommandError::InlineKeys)?;
    config::ensure_private_dir(&settings.server.data_dir)?;
    let version = config::rotate_vault_key(&path)?;
    tracing::info!(
        version,
        path = %path.display(),
        "new vault key is active: restart every server, then run `mini-xdr vault rewrap`"
    );
    Ok(version)
}

/// What `vault rewrap` prints (JSON on stdout).
#[derive(Debug, Serialize)]
pub struct RewrapOutput {
    pub active_version: u32,
    pub resealed: u64,
    pub changed_concurrently: u64,
    pub failed: u64,
    /// Stored secrets per key version, every configured version included (0 when none).
    pub secrets_per_key_version: BTreeMap<u32, u64>,
    /// Of those, agent secrets (current and, during a rotation's overlap, previous): not
    /// re-sealed here but when each agent rotates its secret; a version they use is not
    /// retirable.
    pub agent_secrets_per_key_version: BTreeMap<u32, u64>,
    /// Configured versions other than the active one that seal nothing: their keys can go.
    pub retirable_versions: Vec<u32>,
}

/// The two stores' reports as one (counts summed per key version).
fn merge(mut total: RewrapReport, other: RewrapReport) -> RewrapReport {
    total.resealed += other.resealed;
    total.changed_concurrently += other.changed_concurrently;
    total.failed += other.failed;
    for (version, count) in other.key_versions {
        *total.key_versions.entry(version).or_insert(0) += count;
    }
    total
}

/// Re-seals every stored secret (credential secrets and webhook signing secrets) with the
/// active key, `batch_size` at a time, and counts agent secrets (re-sealed when each agent
/// rotates). Refuses first when stored secrets name a key version that is not configured.
pub async fn rewrap(
    settings: &Settings,
    batch_size: u32,
) -> Result<RewrapOutput, VaultCommandError> {
    let database = startup::open_database(settings, false)?;
    let ring = startup::vault_ring(settings, MissingVaultKeys::Refuse)?;
    let configured = ring.versions();
    let clock = Arc::new(SystemClock);
    let service = wiring::credential_service(&database, ring.clone(), clock.clone());
    let agents = database.agents();
    let agent_versions = xdr_auth::blocking::run(move || agents.key_versions_in_use())
        .await
        .map_err(InternalError::Storage)?;
    check_key_versions(&configured, agent_versions.clone()).map_err(StartupError::from)?;
    let webhooks = wiring::webhook_secrets(&database, ring, clock);
    service
        .ensure_key_versions_configured()
        .await
        .map_err(StartupError::from)?;
    webhooks
        .ensure_key_versions_configured()
        .await
        .map_err(StartupError::from)?;
    let credentials = service.rewrap(batch_size).await?;
    let webhook_report = webhooks.rewrap(batch_size).await?;
    let report = merge(credentials, webhook_report);
    let mut counts = report.key_versions;
    for (version, n) in &agent_versions {
        *counts.entry(*version).or_insert(0) += n;
    }
    for version in &configured {
        counts.entry(*version).or_insert(0);
    }
    let retirable_versions = counts
        .iter()
        .filter(|(v, n)| **n == 0 && **v != report.active_version)
        .map(|(v, _)| *v)
        .collect();
    tracing::info!(
        resealed = report.resealed,
        changed_concurrently = report.changed_concurrently,
        failed = report.failed,
        "vault rewrap finished"
    );
    Ok(RewrapOutput {
        active_version: report.active_version,
        resealed: report.resealed,
        changed_concurrently: report.changed_concurrently,
        failed: report.failed,
        secrets_per_key_version: counts,
        agent_secrets_per_key_version: agent_versions,
        retirable_versions,
    })
}
