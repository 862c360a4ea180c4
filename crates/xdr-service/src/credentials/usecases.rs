//! The owner's use cases. The organization and owner come from the verified principal only;
//! another user's credential is `NotFound`, exactly like a missing one.

use std::sync::Arc;

use xdr_domain::audit::{AuditAction, NewAuditEntry};

use xdr_domain::CredentialId;
use xdr_domain::credentials::{
    AwsAccessKeyId, AwsSecretAccessKey, AwsSessionToken, CredentialChanges, NewCredential,
    SealedSecrets, SecretField,
};

use super::error::CredentialError;
use super::input::{
    CreateCredentialInput, ListCredentialsInput, UpdateCredentialInput, validate_create,
    validate_page, validate_update,
};
use super::service::{
    CheckedCredential, CredentialPage, CredentialService, CredentialStatus, RevealedCredential,
    checked, open_all,
};
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, Principal};

/// An entry about credential `id` of the caller. Names and flags only: never a secret.
fn credential_entry(
    principal: &Principal,
    action: AuditAction,
    id: CredentialId,
    client: &ClientInfo,
) -> NewAuditEntry {
    NewAuditEntry::new(principal.organization_id, action, "credential")
        .actor(principal.user_id, None)
        .resource(id)
        .client(client.ip.as_deref(), client.user_agent.as_deref())
}

impl CredentialService {
    pub async fn create(
        &self,
        principal: &Principal,
        input: CreateCredentialInput,
        client: &ClientInfo,
    ) -> Result<CheckedCredential, CredentialError> {
        let valid = validate_create(input).map_err(CredentialError::Validation)?;
        let id = CredentialId::generate();
        let place = (principal.organization_id, principal.user_id, id);
        let mut secrets = SealedSecrets::new();
        let access_key_id = valid.access_key_id.as_str();
        secrets.insert(
            SecretField::AccessKeyId,
            self.seal_field(place, SecretField::AccessKeyId, access_key_id)?,
        );
        let secret = valid.secret_access_key.expose();
        secrets.insert(
            SecretField::SecretAccessKey,
            self.seal_field(place, SecretField::SecretAccessKey, secret)?,
        );
        if let Some(token) = &valid.session_token {
            let sealed = self.seal_field(place, SecretField::SessionToken, token.expose())?;
            secrets.insert(SecretField::SessionToken, sealed);
        }
        let new = NewCredential {
            id,
            organization_id: principal.organization_id,
            user_id: principal.user_id,
            name: valid.name,
            provider: valid.provider,
            access_key_preview: valid.access_key_id.preview(),
            region: valid.region,
            account_id: valid.account_id,
            is_default: valid.is_default,
            secrets,
            created_at: self.clock.now(),
        };
        let audit = credential_entry(principal, AuditAction::CredentialCreated, id, client)
            .details(
                serde_json::json!({"name": new.name.as_str(), "provider": new.provider.as_str()}),
            );
        let repo = Arc::clone(&self.repo);
        let credential = blocking::run(move || repo.create(new, audit)).await?;
        tracing::info!(credential_id = %credential.id, user_id = %principal.user_id, "credential stored");
        Ok(CheckedCredential {
            credential,
            status: CredentialStatus::Ok,
        })
    }

    pub async fn list(
        &self,
        principal: &Principal,
        input: &ListCredentialsInput,
    ) -> Result<CredentialPage, CredentialError> {
        let page = validate_page(input).map_err(CredentialError::Validation)?;
        let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
        let (org, owner) = (principal.organization_id, principal.user_id);
        // One more than asked tells whether another page follows.
        let mut items = blocking::run(move || {
            let found = repo.list(org, owner, page.before, page.limit.saturating_add(1))?;
            Ok(found
                .into_iter()
                .map(|c| checked(sealer.as_ref(), c))
                .collect::<Vec<_>>())
        })
        .await?;
        let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|c| c.credential.id.to_string())
        } else {
            None
        };
        Ok(CredentialPage { items, next_cursor })
    }

    pub async fn get(
        &self,
        principal: &Principal,
        id: CredentialId,
    ) -> Result<CheckedCredential, CredentialError> {
        let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
        let (org, owner) = (principal.organization_id, principal.user_id);
        let found = blocking::run(move || {
            Ok(repo
                .get(org, owner, id)?
                .map(|c| checked(sealer.as_ref(), c)))
        })
        .await?;
        found.ok_or(CredentialError::NotFound)
    }

    /// Changes name, region, default flag or secret key. A new secret is sealed with the
    /// active key; the other secrets stay as they are.
    pub async fn update(
        &self,
        principal: &Principal,
        id: CredentialId,
        input: UpdateCredentialInput,
        client: &ClientInfo,
    ) -> Result<CheckedCredential, CredentialError> {
        let valid = validate_update(input).map_err(CredentialError::Validation)?;
        let place = (principal.organization_id, principal.user_id, id);
        let secret_access_key = valid
            .secret_access_key
            .as_ref()
            .map(|s| self.seal_field(place, SecretField::SecretAccessKey, s.expose()))
            .transpose()?;
        let changes = CredentialChanges {
            name: valid.name,
            region: valid.region,
            is_default: valid.is_default,
            secret_access_key,
        };
        if changes.is_empty() {
            return self.get(principal, id).await;
        }
        let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
        let (org, owner, now) = (
            principal.organization_id,
            principal.user_id,
            self.clock.now(),
        );
        let audit = credential_entry(principal, AuditAction::CredentialUpdated, id, client)
            .details(serde_json::json!({
                "name": changes.name.is_some(),
                "region": changes.region.is_some(),
                "is_default": changes.is_default,
                "secret_access_key_replaced": changes.secret_access_key.is_some(),
            }));
        let updated = blocking::run(move || {
            Ok(repo
                .update(org, owner, id, &changes, now, audit)?
                .map(|c| checked(sealer.as_ref(), c)))
        })
        .await?;
        updated.ok_or(CredentialError::NotFound)
    }

    pub async fn delete(
        &self,
        principal: &Principal,
        id: CredentialId,
        client: &ClientInfo,
    ) -> Result<(), CredentialError> {
        let repo = Arc::clone(&self.repo);
        let (org, owner, now) = (
            principal.organization_id,
            principal.user_id,
            self.clock.now(),
        );
        let audit = credential_entry(principal, AuditAction::CredentialDeleted, id, client);
        if blocking::run(move || repo.delete(org, owner, id, now, audit)).await? {
            tracing::info!(credential_id = %id, user_id = %owner, "credential deleted");
            Ok(())
        } else {
            Err(CredentialError::NotFound)
        }
    }

    /// The credential's secrets in the clear, for the product to act with them; records the
    /// use. Not reachable over HTTP: secrets never leave the server after creation.
    pub async fn reveal(
        &self,
        principal: &Principal,
        id: CredentialId,
    ) -> Result<RevealedCredential, CredentialError> {
        let (repo, sealer) = (Arc::clone(&self.repo), Arc::clone(&self.sealer));
        let (org, owner, now) = (
            principal.organization_id,
            principal.user_id,
            self.clock.now(),
        );
        let credential = blocking::run(move || repo.get(org, owner, id))
            .await?
            .ok_or(CredentialError::NotFound)?;
        let opened =
            open_all(sealer.as_ref(), &credential).map_err(|_| CredentialError::Undecryptable)?;
        let mut access_key_id = None;
        let mut secret_access_key = None;
        let mut session_token = None;
        for (field, plaintext) in opened {
            let text = plaintext.to_text().ok_or(CredentialError::Undecryptable)?;
            match field {
                SecretField::AccessKeyId => {
                    access_key_id = AwsAccessKeyId::parse(text.expose()).ok();
                }
                SecretField::SecretAccessKey => {
                    secret_access_key = AwsSecretAccessKey::parse(text).ok();
                }
                SecretField::SessionToken => session_token = AwsSessionToken::parse(text).ok(),
            }
        }
        let (Some(access_key_id), Some(secret_access_key)) = (access_key_id, secret_access_key)
        else {
            return Err(CredentialError::Undecryptable);
        };
        let repo = Arc::clone(&self.repo);
        let audit = credential_entry(
            principal,
            AuditAction::CredentialUsed,
            id,
            &ClientInfo::default(),
        );
        blocking::run(move || repo.touch_last_used(org, owner, id, now, audit)).await?;
        Ok(RevealedCredential {
            id,
            access_key_id,
            secret_access_key,
            session_token,
            region: credential.region,
            account_id: credential.account_id,
        })
    }
}
