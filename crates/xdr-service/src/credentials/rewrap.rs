//! Key rotation support: re-sealing stored secrets with the active key, and the start-up check
//! that every stored secret names a configured key.

use std::collections::BTreeMap;
use std::sync::Arc;

use xdr_domain::credentials::{SealedLocation, SealedRecord};
use xdr_domain::ports::{CredentialRepository, Sealer};
use xdr_domain::secrets::SealError;

use super::error::KeyVersionsError;
use super::service::CredentialService;
use xdr_auth::InternalError;
use xdr_auth::blocking;

/// Secrets re-sealed per batch (one read, then one compare-and-swap per secret) when the
/// caller does not say.
pub const DEFAULT_REWRAP_BATCH: u32 = 500;

/// What a re-sealing run did, and what is left per key version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RewrapReport {
    pub active_version: u32,
    /// Re-sealed with the active key.
    pub resealed: u64,
    /// Changed or deleted by a request while the run read it; left to that change.
    pub changed_concurrently: u64,
    /// Did not open (tampered, moved, or sealed with a key that is not configured): left as
    /// they are and logged.
    pub failed: u64,
    /// Stored secrets per key version after the run. A version absent here (or at 0) seals
    /// nothing any more: its key can be retired.
    pub key_versions: BTreeMap<u32, u64>,
}

/// What re-sealing one batch did; `last` is where the next batch starts (none: done).
#[derive(Debug)]
pub(crate) struct BatchOutcome<Cursor> {
    pub(crate) last: Option<Cursor>,
    pub(crate) resealed: u64,
    pub(crate) changed_concurrently: u64,
    pub(crate) failed: u64,
}

impl<Cursor> BatchOutcome<Cursor> {
    pub(crate) fn starting_after(last: Option<Cursor>) -> Self {
        Self {
            last,
            resealed: 0,
            changed_concurrently: 0,
            failed: 0,
        }
    }
}

/// Runs `batch` from the start until it reports no further cursor, adding up what each
/// re-sealed (the loop of every `rewrap`: credentials, webhook secrets).
pub(crate) async fn rewrap_in_batches<Cursor>(
    active_version: u32,
    what: &str,
    mut batch: impl AsyncFnMut(Option<Cursor>) -> Result<BatchOutcome<Cursor>, InternalError>,
) -> Result<RewrapReport, InternalError> {
    let mut report = RewrapReport {
        active_version,
        ..RewrapReport::default()
    };
    let mut after = None;
    loop {
        let done = batch(after).await?;
        report.resealed += done.resealed;
        report.changed_concurrently += done.changed_concurrently;
        report.failed += done.failed;
        let Some(last) = done.last else { break };
        after = Some(last);
        tracing::info!(
            resealed = report.resealed,
            failed = report.failed,
            "{what} rewrap: batch done"
        );
    }
    Ok(report)
}

/// Refuses (with the versions and counts) when stored secrets name key versions the sealer
/// does not hold.
pub fn check_key_versions(
    configured: &[u32],
    in_use: BTreeMap<u32, u64>,
) -> Result<(), KeyVersionsError> {
    let missing: BTreeMap<u32, u64> = in_use
        .into_iter()
        .filter(|(version, count)| *count > 0 && !configured.contains(version))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(KeyVersionsError::Missing(missing))
    }
}

/// Re-seals one batch. Each secret is swapped only if it still holds what was read, so
/// running this while the server serves never overwrites a concurrent change.
fn reseal_batch(
    repo: &dyn CredentialRepository,
    sealer: &dyn Sealer,
    after: Option<SealedLocation>,
    limit: u32,
) -> Result<BatchOutcome<SealedLocation>, InternalError> {
    let batch = repo.list_stale_sealed(sealer.active_version(), after, limit)?;
    let mut outcome = BatchOutcome::starting_after(batch.last().map(|r| r.location));
    for record in &batch {
        match reseal(repo, sealer, record) {
            Ok(true) => outcome.resealed += 1,
            Ok(false) => outcome.changed_concurrently += 1,
            Err(Failure::Open(error)) => {
                outcome.failed += 1;
                tracing::error!(
                    credential_id = %record.location.credential_id,
                    organization_id = %record.organization_id,
                    field = %record.location.field,
                    key_version = record.sealed.key_version(),
                    error = %error,
                    "credential secret does not open; left as it is"
                );
            }
            Err(Failure::Internal(e)) => return Err(e),
        }
    }
    Ok(outcome)
}

enum Failure {
    Open(SealError),
    Internal(InternalError),
}

fn reseal(
    repo: &dyn CredentialRepository,
    sealer: &dyn Sealer,
    record: &SealedRecord,
) -> Result<bool, Failure> {
    let binding = record.binding();
    let plaintext = sealer
        .open(&record.sealed, &binding)
        .map_err(Failure::Open)?;
    let resealed = sealer
        .seal(plaintext.expose(), &binding)
        .map_err(|e| Failure::Internal(e.into()))?;
    repo.replace_sealed(record, &resealed)
        .map_err(|e| Failure::Internal(e.into()))
}

impl CredentialService {
    /// Re-seals every stored secret not sealed with the active key, `batch_size` at a time.
    /// Safe while serving (compare-and-swap per secret) and safe to interrupt: a new run
    /// continues with whatever is still stale.
    pub async fn rewrap(&self, batch_size: u32) -> Result<RewrapReport, InternalError> {
        let limit = batch_size.max(1);
        let mut report = rewrap_in_batches(self.sealer.active_version(), "vault", async |after| {
            let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
            blocking::run_with(move || reseal_batch(repo.as_ref(), sealer.as_ref(), after, limit))
                .await
        })
        .await?;
        report.key_versions = self.key_versions_in_use().await?;
        Ok(report)
    }

    /// Stored secrets per key version.
    pub async fn key_versions_in_use(&self) -> Result<BTreeMap<u32, u64>, InternalError> {
        let repo = Arc::clone(&self.repo);
        Ok(blocking::run(move || repo.key_versions_in_use()).await?)
    }

    /// Refuses (with the versions and counts) when stored secrets name key versions the sealer
    /// does not hold: better not to start than to fail on every request that reads them.
    pub async fn ensure_key_versions_configured(&self) -> Result<(), KeyVersionsError> {
        let in_use = self.key_versions_in_use().await?;
        check_key_versions(&self.sealer.versions(), in_use)
    }
}
