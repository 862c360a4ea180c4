//! A user's stored cloud credential: plain fields, and its secrets sealed field by field.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::fields::{AwsAccountId, AwsRegion, CredentialName, Provider};
use crate::ids::{CredentialId, OrganizationId, UserId};
use crate::secrets::{Binding, SealedSecret};

/// The `kind` part of every credential secret's binding.
pub const CREDENTIAL_BINDING_KIND: &str = "cloud_credential";

/// The secret fields of a credential; each is sealed on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretField {
    AccessKeyId,
    SecretAccessKey,
    SessionToken,
}

impl SecretField {
    pub const ALL: [SecretField; 3] = [
        SecretField::AccessKeyId,
        SecretField::SecretAccessKey,
        SecretField::SessionToken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretField::AccessKeyId => "access_key_id",
            SecretField::SecretAccessKey => "secret_access_key",
            SecretField::SessionToken => "session_token",
        }
    }

    /// Fields every credential has (the session token is optional).
    pub fn is_required(self) -> bool {
        !matches!(self, SecretField::SessionToken)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown secret field")]
pub struct UnknownSecretField;

impl FromStr for SecretField {
    type Err = UnknownSecretField;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SecretField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or(UnknownSecretField)
    }
}

impl fmt::Display for SecretField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one credential secret is bound to: its organization, owner, credential and field. A
/// sealed value copied into another row, user or organization therefore does not open.
pub fn secret_binding(
    organization_id: OrganizationId,
    user_id: UserId,
    credential_id: CredentialId,
    field: SecretField,
) -> Binding {
    Binding::new(CREDENTIAL_BINDING_KIND)
        .with("org", organization_id)
        .with("user", user_id)
        .with("credential", credential_id)
        .with("field", field)
}

/// The sealed secrets of one credential, by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealedSecrets(BTreeMap<SecretField, SealedSecret>);

impl SealedSecrets {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, field: SecretField, sealed: SealedSecret) {
        self.0.insert(field, sealed);
    }

    pub fn get(&self, field: SecretField) -> Option<&SealedSecret> {
        self.0.get(&field)
    }

    pub fn iter(&self) -> impl Iterator<Item = (SecretField, &SealedSecret)> {
        self.0.iter().map(|(field, sealed)| (*field, sealed))
    }

    /// Required fields with no sealed value (only possible if storage was tampered with).
    pub fn missing_required(&self) -> Vec<SecretField> {
        SecretField::ALL
            .into_iter()
            .filter(|f| f.is_required() && !self.0.contains_key(f))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: CredentialId,
    pub organization_id: OrganizationId,
    /// The owner: the only user who may see or change it.
    pub user_id: UserId,
    pub name: CredentialName,
    pub provider: Provider,
    /// First and last four characters of the access key id (stored in the clear).
    pub access_key_preview: String,
    pub region: Option<AwsRegion>,
    pub account_id: Option<AwsAccountId>,
    pub is_default: bool,
    pub secrets: SealedSecrets,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What creating a credential stores; its secrets are already sealed.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub id: CredentialId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub name: CredentialName,
    pub provider: Provider,
    pub access_key_preview: String,
    pub region: Option<AwsRegion>,
    pub account_id: Option<AwsAccountId>,
    /// When true, the owner's previous default stops being one, in the same transaction.
    pub is_default: bool,
    pub secrets: SealedSecrets,
    pub created_at: DateTime<Utc>,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CredentialChanges {
    pub name: Option<CredentialName>,
    /// `Some(None)` clears the region.
    pub region: Option<Option<AwsRegion>>,
    /// `Some(true)` makes it the owner's default (clearing the previous one atomically).
    pub is_default: Option<bool>,
    pub secret_access_key: Option<SealedSecret>,
}

impl CredentialChanges {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.region.is_none()
            && self.is_default.is_none()
            && self.secret_access_key.is_none()
    }
}

/// Where one sealed secret is stored; orders the re-sealing walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SealedLocation {
    pub credential_id: CredentialId,
    pub field: SecretField,
}

/// One stored sealed secret with what it is bound to (for re-sealing after a key rotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    pub location: SealedLocation,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub sealed: SealedSecret,
}

impl SealedRecord {
    pub fn binding(&self) -> Binding {
        secret_binding(
            self.organization_id,
            self.user_id,
            self.location.credential_id,
            self.location.field,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_round_trip() {
        for field in SecretField::ALL {
            assert_eq!(field.as_str().parse::<SecretField>(), Ok(field));
        }
        assert_eq!("password".parse::<SecretField>(), Err(UnknownSecretField));
    }

    #[test]
    fn bindings_differ_in_every_part() {
        let (org, user, id) = (
            OrganizationId::generate(),
            UserId::generate(),
            CredentialId::generate(),
        );
        let base = secret_binding(org, user, id, SecretField::SecretAccessKey);
        let others = [
            secret_binding(
                OrganizationId::generate(),
                user,
                id,
                SecretField::SecretAccessKey,
            ),
            secret_binding(org, UserId::generate(), id, SecretField::SecretAccessKey),
            secret_binding(
                org,
                user,
                CredentialId::generate(),
                SecretField::SecretAccessKey,
            ),
            secret_binding(org, user, id, SecretField::SessionToken),
        ];
        for other in others {
            assert_ne!(base, other);
        }
        let parts: Vec<&str> = base.parts().map(|(name, _)| name).collect();
        assert_eq!(parts, ["kind", "org", "user", "credential", "field"]);
    }

    #[test]
    fn missing_required_secrets() {
        let mut secrets = SealedSecrets::new();
        assert_eq!(
            secrets.missing_required(),
            [SecretField::AccessKeyId, SecretField::SecretAccessKey]
        );
        secrets.insert(SecretField::AccessKeyId, SealedSecret::new(1, "a".into()));
        secrets.insert(
            SecretField::SecretAccessKey,
            SealedSecret::new(1, "b".into()),
        );
        assert!(secrets.missing_required().is_empty());
    }

    #[test]
    fn empty_changes() {
        assert!(CredentialChanges::default().is_empty());
        let changes = CredentialChanges {
            region: Some(None),
            ..CredentialChanges::default()
        };
        assert!(!changes.is_empty());
    }
}
