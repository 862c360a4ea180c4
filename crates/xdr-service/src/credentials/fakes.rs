//! In-memory fakes of the vault's ports, for the service's unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::credentials::{
    Credential, CredentialChanges, NewCredential, SealedLocation, SealedRecord,
};
use xdr_domain::ports::{CredentialRepository, RepoResult, Sealer};
use xdr_domain::secrets::{Binding, SealError, SealedSecret, SecretBytes};
use xdr_domain::{CredentialId, OrganizationId, UserId};

/// "Seals" as `fake|<version>|<binding>|<hex>`; opens only with the same binding and a
/// configured version. Not encryption: it checks the service's use of the port.
#[derive(Debug)]
pub struct FakeSealer {
    pub versions: Vec<u32>,
    pub active: u32,
}

impl FakeSealer {
    pub fn new(versions: &[u32], active: u32) -> Self {
        Self {
            versions: versions.to_vec(),
            active,
        }
    }
}

fn binding_text(binding: &Binding) -> String {
    binding
        .parts()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(";")
}

impl Sealer for FakeSealer {
    fn seal(&self, plaintext: &[u8], binding: &Binding) -> Result<SealedSecret, SealError> {
        let hex: String = plaintext.iter().map(|b| format!("{b:02x}")).collect();
        let encoded = format!("fake|{}|{}|{hex}", self.active, binding_text(binding));
        Ok(SealedSecret::new(self.active, encoded))
    }

    fn open(&self, sealed: &SealedSecret, binding: &Binding) -> Result<SecretBytes, SealError> {
        let parts: Vec<&str> = sealed.as_str().split('|').collect();
        let [tag, version, bound_to, hex] = parts.as_slice() else {
            return Err(SealError::Malformed);
        };
        let version: u32 = version.parse().map_err(|_| SealError::Malformed)?;
        if *tag != "fake" || version != sealed.key_version() {
            return Err(SealError::Malformed);
        }
        if !self.versions.contains(&version) {
            return Err(SealError::UnknownKeyVersion(version));
        }
        if *bound_to != binding_text(binding) {
            return Err(SealError::Undecryptable);
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| SealError::Undecryptable)?;
        Ok(SecretBytes::new(bytes))
    }

    fn active_version(&self) -> u32 {
        self.active
    }

    fn versions(&self) -> Vec<u32> {
        self.versions.clone()
    }
}

type Hook = Box<dyn FnOnce(&mut Vec<Credential>) + Send>;

/// Credentials in a vector. `after_stale_list` runs once, right after the next
/// `list_stale_sealed`, to play a request racing a rewrap.
#[derive(Default)]
pub struct InMemoryCredentials {
    pub rows: Mutex<Vec<Credential>>,
    pub after_stale_list: Mutex<Option<Hook>>,
}

impl std::fmt::Debug for InMemoryCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InMemoryCredentials")
    }
}

impl InMemoryCredentials {
    pub fn with<T>(&self, f: impl FnOnce(&mut Vec<Credential>) -> T) -> T {
        f(&mut self.rows.lock().unwrap())
    }
}

fn owned(c: &Credential, org: OrganizationId, owner: UserId) -> bool {
    c.organization_id == org && c.user_id == owner
}

impl CredentialRepository for InMemoryCredentials {
    fn create(&self, new: NewCredential, _audit: NewAuditEntry) -> RepoResult<Credential> {
        self.with(|rows| {
            if new.is_default {
                for c in rows
                    .iter_mut()
                    .filter(|c| owned(c, new.organization_id, new.user_id))
                {
                    c.is_default = false;
                }
            }
            let credential = Credential {
                id: new.id,
                organization_id: new.organization_id,
                user_id: new.user_id,
                name: new.name,
                provider: new.provider,
                access_key_preview: new.access_key_preview,
                region: new.region,
                account_id: new.account_id,
                is_default: new.is_default,
                secrets: new.secrets,
                created_at: new.created_at,
                updated_at: new.created_at,
                last_used_at: None,
            };
            rows.push(credential.clone());
            Ok(credential)
        })
    }

    fn list(
        &self,
        org: OrganizationId,
        owner: UserId,
        before: Option<CredentialId>,
        limit: u32,
    ) -> RepoResult<Vec<Credential>> {
        self.with(|rows| {
            let mut found: Vec<Credential> = rows
                .iter()
                .filter(|c| owned(c, org, owner) && before.is_none_or(|b| c.id < b))
                .cloned()
                .collect();
            found.sort_by_key(|c| std::cmp::Reverse(c.id));
            found.truncate(limit as usize);
            Ok(found)
        })
    }

    fn get(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
    ) -> RepoResult<Option<Credential>> {
        self.with(|rows| {
            Ok(rows
                .iter()
                .find(|c| owned(c, org, owner) && c.id == id)
                .cloned())
        })
    }

    fn update(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        changes: &CredentialChanges,
        now: DateTime<Utc>,
        _audit: NewAuditEntry,
    ) -> RepoResult<Option<Credential>> {
        self.with(|rows| {
            if !rows.iter().any(|c| owned(c, org, owner) && c.id == id) {
                return Ok(None);
            }
            for c in rows.iter_mut().filter(|c| owned(c, org, owner)) {
                if c.id != id {
                    if changes.is_default == Some(true) {
                        c.is_default = false;
                    }
                    continue;
                }
                if let Some(name) = &changes.name {
                    c.name = name.clone();
                }
                if let Some(region) = &changes.region {
                    c.region = region.clone();
                }
                if let Some(is_default) = changes.is_default {
                    c.is_default = is_default;
                }
                if let Some(sealed) = &changes.secret_access_key {
                    c.secrets.insert(
                        xdr_domain::credentials::SecretField::SecretAccessKey,
                        sealed.clone(),
                    );
                }
                c.updated_at = now;
            }
            Ok(rows.iter().find(|c| c.id == id).cloned())
        })
    }

    fn delete(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        _now: DateTime<Utc>,
        _audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.with(|rows| {
            let before = rows.len();
            rows.retain(|c| !(owned(c, org, owner) && c.id == id));
            Ok(rows.len() < before)
        })
    }

    fn touch_last_used(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        _audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.with(|rows| {
            let found = rows.iter_mut().find(|c| owned(c, org, owner) && c.id == id);
            Ok(found.map(|c| c.last_used_at = Some(now)).is_some())
        })
    }

    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<SealedLocation>,
        limit: u32,
    ) -> RepoResult<Vec<SealedRecord>> {
        let mut records: Vec<SealedRecord> = self.with(|rows| {
            rows.iter()
                .flat_map(|c| {
                    c.secrets.iter().map(|(field, sealed)| SealedRecord {
                        location: SealedLocation {
                            credential_id: c.id,
                            field,
                        },
                        organization_id: c.organization_id,
                        user_id: c.user_id,
                        sealed: sealed.clone(),
                    })
                })
                .filter(|r| r.sealed.key_version() != active_version)
                .filter(|r| after.is_none_or(|a| r.location > a))
                .collect()
        });
        records.sort_by_key(|r| r.location);
        records.truncate(limit as usize);
        if let Some(hook) = self.after_stale_list.lock().unwrap().take() {
            self.with(hook);
        }
        Ok(records)
    }

    fn replace_sealed(
        &self,
        current: &SealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool> {
        self.with(|rows| {
            let Some(c) = rows.iter_mut().find(|c| {
                c.id == current.location.credential_id
                    && c.organization_id == current.organization_id
            }) else {
                return Ok(false);
            };
            if c.secrets.get(current.location.field) != Some(&current.sealed) {
                return Ok(false);
            }
            c.secrets
                .insert(current.location.field, replacement.clone());
            Ok(true)
        })
    }

    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>> {
        self.with(|rows| {
            let mut counts = BTreeMap::new();
            for (_, sealed) in rows.iter().flat_map(|c| c.secrets.iter()) {
                *counts.entry(sealed.key_version()).or_insert(0) += 1;
            }
            Ok(counts)
        })
    }
}
