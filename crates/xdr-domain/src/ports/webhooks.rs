//! An organization's webhook endpoint and its sealed signing secret.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::ids::{OrganizationId, WebhookId};
use crate::secrets::SealedSecret;
use crate::webhooks::{WebhookEndpoint, WebhookPut, WebhookPutAudit, WebhookSealedRecord};

use super::RepoResult;

/// At most one endpoint per organization. Every request-facing method takes the
/// `OrganizationId` and filters by it; audit entries are written in the same transaction as the
/// change they record.
pub trait WebhookRepository: Send + Sync {
    fn get(&self, org: OrganizationId) -> RepoResult<Option<WebhookEndpoint>>;

    /// Stores `candidate` when its organization has no endpoint (`Created`, with
    /// `audit.created`); otherwise replaces the existing endpoint's URL and `enabled` flag and
    /// bumps `updated_at`, keeping its id and secret (`Replaced`, with `audit.replaced`).
    fn put(&self, candidate: &WebhookEndpoint, audit: WebhookPutAudit) -> RepoResult<WebhookPut>;

    /// Replaces the secret of endpoint `id` of `org`; `None` when there is no such endpoint.
    fn replace_secret(
        &self,
        org: OrganizationId,
        id: WebhookId,
        sealed: &SealedSecret,
        preview: &str,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<WebhookEndpoint>>;

    /// Deletes the endpoint of `org`; false when it has none.
    fn delete(
        &self,
        org: OrganizationId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Operator maintenance across all organizations: up to `limit` secrets not sealed with
    /// `active_version`, in id order, after `after` when given.
    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<WebhookId>,
        limit: u32,
    ) -> RepoResult<Vec<WebhookSealedRecord>>;

    /// Compare-and-swap: replaces the secret only if it still holds `current.sealed`.
    fn replace_sealed(
        &self,
        current: &WebhookSealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool>;

    /// How many stored webhook secrets each key version sealed.
    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>>;
}
