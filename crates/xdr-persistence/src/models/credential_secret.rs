//! Sealed credential secrets, one row per field.

use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::credentials::{SealedLocation, SealedRecord, SealedSecrets, SecretField};
use xdr_domain::secrets::SealedSecret;

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::{credential_secrets, credentials};

/// `(credential_id, field, sealed, key_version)`: what a credential needs of its secrets.
pub(crate) type SecretColumns = (
    credential_secrets::credential_id,
    credential_secrets::field,
    credential_secrets::sealed,
    credential_secrets::key_version,
);
pub(crate) const SECRET_COLUMNS: SecretColumns = (
    credential_secrets::credential_id,
    credential_secrets::field,
    credential_secrets::sealed,
    credential_secrets::key_version,
);

#[derive(Debug, Queryable)]
pub(crate) struct SecretRow {
    pub credential_id: String,
    pub field: String,
    pub sealed: String,
    pub key_version: i64,
}

impl SecretRow {
    pub(crate) fn field(&self) -> Result<SecretField, RepoError> {
        parse_stored(&self.field, "credential_secrets.field")
    }

    pub(crate) fn sealed(self) -> Result<SealedSecret, RepoError> {
        Ok(SealedSecret::new(
            key_version(self.key_version)?,
            self.sealed,
        ))
    }
}

/// Collects secret rows (of one credential) by field.
pub(crate) fn sealed_secrets(
    rows: impl IntoIterator<Item = SecretRow>,
) -> Result<SealedSecrets, RepoError> {
    let mut secrets = SealedSecrets::new();
    for row in rows {
        let field = row.field()?;
        secrets.insert(field, row.sealed()?);
    }
    Ok(secrets)
}

pub(crate) fn key_version(stored: i64) -> Result<u32, RepoError> {
    u32::try_from(stored).map_err(|e| corrupt("credential_secrets.key_version", e))
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credential_secrets)]
pub(crate) struct NewSecretRow {
    pub credential_id: String,
    pub organization_id: String,
    pub field: String,
    pub sealed: String,
    pub key_version: i64,
}

impl NewSecretRow {
    pub(crate) fn new(
        credential_id: &str,
        organization_id: &str,
        field: SecretField,
        sealed: &SealedSecret,
    ) -> Self {
        Self {
            credential_id: credential_id.to_owned(),
            organization_id: organization_id.to_owned(),
            field: field.as_str().to_owned(),
            sealed: sealed.as_str().to_owned(),
            key_version: i64::from(sealed.key_version()),
        }
    }
}

/// The columns of [`SealedRecordRow`] (secrets joined with their credential's owner).
pub(crate) type SealedRecordColumns = (
    credential_secrets::credential_id,
    credential_secrets::field,
    credential_secrets::organization_id,
    credentials::user_id,
    credential_secrets::sealed,
    credential_secrets::key_version,
);
pub(crate) const SEALED_RECORD_COLUMNS: SealedRecordColumns = (
    credential_secrets::credential_id,
    credential_secrets::field,
    credential_secrets::organization_id,
    credentials::user_id,
    credential_secrets::sealed,
    credential_secrets::key_version,
);

#[derive(Debug, Queryable)]
pub(crate) struct SealedRecordRow {
    pub credential_id: String,
    pub field: String,
    pub organization_id: String,
    pub user_id: String,
    pub sealed: String,
    pub key_version: i64,
}

impl TryFrom<SealedRecordRow> for SealedRecord {
    type Error = RepoError;

    fn try_from(row: SealedRecordRow) -> Result<Self, RepoError> {
        Ok(SealedRecord {
            location: SealedLocation {
                credential_id: parse_stored(
                    &row.credential_id,
                    "credential_secrets.credential_id",
                )?,
                field: parse_stored(&row.field, "credential_secrets.field")?,
            },
            organization_id: parse_stored(
                &row.organization_id,
                "credential_secrets.organization_id",
            )?,
            user_id: parse_stored(&row.user_id, "credentials.user_id")?,
            sealed: SealedSecret::new(key_version(row.key_version)?, row.sealed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(field: &str, version: i64) -> SecretRow {
        SecretRow {
            credential_id: uuid::Uuid::now_v7().to_string(),
            field: field.into(),
            sealed: "v1:1:x".into(),
            key_version: version,
        }
    }

    #[test]
    fn rows_become_sealed_secrets_by_field() {
        let secrets =
            sealed_secrets([row("access_key_id", 1), row("secret_access_key", 2)]).unwrap();
        assert_eq!(
            secrets
                .get(SecretField::SecretAccessKey)
                .unwrap()
                .key_version(),
            2
        );
        assert!(secrets.missing_required().is_empty());
    }

    #[test]
    fn bad_stored_values_are_corrupt() {
        for bad in [
            row("password", 1),
            row("access_key_id", -1),
            row("access_key_id", 1 << 40),
        ] {
            let err = sealed_secrets([bad]).unwrap_err();
            assert!(matches!(err, RepoError::Corrupt(_)), "{err:?}");
        }
    }
}
