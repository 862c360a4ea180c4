//! Key rotation support for webhook secrets: re-sealing with the active key, and the start-up
//! check that every stored secret names a configured key (as for credential secrets).

use std::collections::BTreeMap;
use std::sync::Arc;

use xdr_domain::WebhookId;
use xdr_domain::ports::{Sealer, WebhookRepository};
use xdr_domain::webhooks::WebhookSealedRecord;

use super::service::WebhookService;
use crate::credentials::rewrap::{BatchOutcome, check_key_versions, rewrap_in_batches};
use crate::credentials::{KeyVersionsError, RewrapReport};
use xdr_auth::InternalError;
use xdr_auth::blocking;

fn reseal_batch(
    repo: &dyn WebhookRepository,
    sealer: &dyn Sealer,
    after: Option<WebhookId>,
    limit: u32,
) -> Result<BatchOutcome<WebhookId>, InternalError> {
    let records = repo.list_stale_sealed(sealer.active_version(), after, limit)?;
    let mut batch = BatchOutcome::starting_after(records.last().map(|r| r.id));
    for record in &records {
        match reseal(repo, sealer, record)? {
            Some(true) => batch.resealed += 1,
            Some(false) => batch.changed_concurrently += 1,
            None => batch.failed += 1,
        }
    }
    Ok(batch)
}

/// `None` when the secret does not open (logged, left as it is).
fn reseal(
    repo: &dyn WebhookRepository,
    sealer: &dyn Sealer,
    record: &WebhookSealedRecord,
) -> Result<Option<bool>, InternalError> {
    let binding = record.binding();
    let plaintext = match sealer.open(&record.sealed, &binding) {
        Ok(plaintext) => plaintext,
        Err(error) => {
            tracing::error!(
                webhook_id = %record.id,
                organization_id = %record.organization_id,
                key_version = record.sealed.key_version(),
                error = %error,
                "webhook secret does not open; left as it is"
            );
            return Ok(None);
        }
    };
    let resealed = sealer.seal(plaintext.expose(), &binding)?;
    Ok(Some(repo.replace_sealed(record, &resealed)?))
}

impl WebhookService {
    /// Re-seals every webhook secret not sealed with the active key, `batch_size` at a time
    /// (compare-and-swap per secret: safe while serving, safe to interrupt and run again).
    pub async fn rewrap(&self, batch_size: u32) -> Result<RewrapReport, InternalError> {
        let limit = batch_size.max(1);
        let mut report =
            rewrap_in_batches(self.sealer.active_version(), "webhook", async |after| {
                let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
                blocking::run_with(move || {
                    reseal_batch(repo.as_ref(), sealer.as_ref(), after, limit)
                })
                .await
            })
            .await?;
        report.key_versions = self.key_versions_in_use().await?;
        Ok(report)
    }

    /// Stored webhook secrets per key version.
    pub async fn key_versions_in_use(&self) -> Result<BTreeMap<u32, u64>, InternalError> {
        let repo = Arc::clone(&self.repo);
        Ok(blocking::run(move || repo.key_versions_in_use()).await?)
    }

    /// Refuses when stored webhook secrets name key versions the sealer does not hold.
    pub async fn ensure_key_versions_configured(&self) -> Result<(), KeyVersionsError> {
        let in_use = self.key_versions_in_use().await?;
        check_key_versions(&self.sealer.versions(), in_use)
    }
}
