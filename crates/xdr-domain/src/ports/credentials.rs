//! Sealing secrets at rest and the credential vault's storage.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::credentials::{
    Credential, CredentialChanges, NewCredential, SealedLocation, SealedRecord,
};
use crate::ids::{CredentialId, OrganizationId, UserId};
use crate::secrets::{Binding, SealError, SealedSecret, SecretBytes};

use super::RepoResult;

/// Seals and opens secrets at rest. The adapter holds the keys (a versioned key ring); callers
/// see only sealed values and the plaintext they asked for.
pub trait Sealer: Send + Sync {
    /// Seals `plaintext` with the active key, bound to `binding`.
    fn seal(&self, plaintext: &[u8], binding: &Binding) -> Result<SealedSecret, SealError>;

    /// Opens `sealed`, which must have been sealed with exactly this `binding`.
    fn open(&self, sealed: &SealedSecret, binding: &Binding) -> Result<SecretBytes, SealError>;

    /// The key version new values are sealed with.
    fn active_version(&self) -> u32;

    /// Every key version values can be opened with, ascending.
    fn versions(&self) -> Vec<u32>;

    /// True when `sealed` was sealed with another key than the active one (rotation pending).
    fn needs_reseal(&self, sealed: &SealedSecret) -> bool {
        sealed.key_version() != self.active_version()
    }
}

/// The credential vault's storage. Every method a user's request reaches takes the
/// `OrganizationId` and the owner's `UserId` and filters by both: another user's credential is
/// reported exactly like a missing one.
pub trait CredentialRepository: Send + Sync {
    /// Stores a credential and its sealed secrets in one transaction. With `is_default`, the
    /// owner's previous default stops being one in the same transaction.
    /// `audit` (`credential.created`) is written in the same transaction.
    fn create(&self, credential: NewCredential, audit: NewAuditEntry) -> RepoResult<Credential>;

    /// The owner's credentials, newest first: at most `limit`, older than `before` when given.
    fn list(
        &self,
        org: OrganizationId,
        owner: UserId,
        before: Option<CredentialId>,
        limit: u32,
    ) -> RepoResult<Vec<Credential>>;

    fn get(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
    ) -> RepoResult<Option<Credential>>;

    /// Applies `changes` in one transaction (`is_default = true` clears the owner's previous
    /// default atomically) and bumps `updated_at`; `None` when there is no such credential.
    fn update(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        changes: &CredentialChanges,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Credential>>;

    /// Deletes the credential and its secrets; false when there is no such credential.
    /// `audit` (`credential.deleted`) is written in the same transaction when it was deleted.
    fn delete(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Records that the product used the credential; false when there is no such credential.
    /// `audit` (`credential.used`) is written in the same transaction when it was touched.
    fn touch_last_used(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Operator maintenance across all organizations: up to `limit` stored secrets not sealed
    /// with `active_version`, in location order, after `after` when given.
    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<SealedLocation>,
        limit: u32,
    ) -> RepoResult<Vec<SealedRecord>>;

    /// Compare-and-swap: replaces the secret at `current.location` (in `current`'s
    /// organization) by `replacement` only if it still holds `current.sealed`. False when it
    /// changed or disappeared meanwhile, so a concurrent update is never overwritten.
    fn replace_sealed(
        &self,
        current: &SealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool>;

    /// How many stored secrets each key version sealed (versions with none are absent).
    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>>;
}
