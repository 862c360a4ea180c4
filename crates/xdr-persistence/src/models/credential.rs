use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::credentials::{
    AwsAccountId, AwsRegion, Credential, CredentialChanges, CredentialName, NewCredential,
    Provider, SealedSecrets,
};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::credentials;
use crate::time::{from_db, to_db};

/// The columns of [`CredentialRow`], in field order: use with `.select(..)` and `.returning(..)`.
pub(crate) type CredentialColumns = (
    credentials::id,
    credentials::organization_id,
    credentials::user_id,
    credentials::name,
    credentials::provider,
    credentials::access_key_preview,
    credentials::region,
    credentials::account_id,
    credentials::is_default,
    credentials::created_at,
    credentials::updated_at,
    credentials::last_used_at,
);
pub(crate) const CREDENTIAL_COLUMNS: CredentialColumns = (
    credentials::id,
    credentials::organization_id,
    credentials::user_id,
    credentials::name,
    credentials::provider,
    credentials::access_key_preview,
    credentials::region,
    credentials::account_id,
    credentials::is_default,
    credentials::created_at,
    credentials::updated_at,
    credentials::last_used_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct CredentialRow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub name: String,
    pub provider: String,
    pub access_key_preview: String,
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

impl CredentialRow {
    /// The credential of this row with the sealed secrets stored for it.
    pub(crate) fn into_credential(self, secrets: SealedSecrets) -> Result<Credential, RepoError> {
        Ok(Credential {
            id: parse_stored(&self.id, "credentials.id")?,
            organization_id: parse_stored(&self.organization_id, "credentials.organization_id")?,
            user_id: parse_stored(&self.user_id, "credentials.user_id")?,
            name: CredentialName::parse(&self.name).map_err(|e| corrupt("credentials.name", e))?,
            provider: parse_stored::<Provider>(&self.provider, "credentials.provider")?,
            access_key_preview: self.access_key_preview,
            region: self
                .region
                .as_deref()
                .map(AwsRegion::parse)
                .transpose()
                .map_err(|e| corrupt("credentials.region", e))?,
            account_id: self
                .account_id
                .as_deref()
                .map(AwsAccountId::parse)
                .transpose()
                .map_err(|e| corrupt("credentials.account_id", e))?,
            is_default: self.is_default,
            secrets,
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
            last_used_at: self.last_used_at.map(from_db),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credentials)]
pub(crate) struct NewCredentialRow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub name: String,
    pub provider: String,
    pub access_key_preview: String,
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&NewCredential> for NewCredentialRow {
    fn from(c: &NewCredential) -> Self {
        let created_at = to_db(c.created_at);
        Self {
            id: c.id.to_string(),
            organization_id: c.organization_id.to_string(),
            user_id: c.user_id.to_string(),
            name: c.name.as_str().to_owned(),
            provider: c.provider.as_str().to_owned(),
            access_key_preview: c.access_key_preview.clone(),
            region: c.region.as_ref().map(|r| r.as_str().to_owned()),
            account_id: c.account_id.as_ref().map(|a| a.as_str().to_owned()),
            is_default: c.is_default,
            created_at,
            updated_at: created_at,
        }
    }
}

/// The plain columns a [`CredentialChanges`] sets (`None` leaves a column alone).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = credentials)]
pub(crate) struct CredentialChangeset {
    pub name: Option<String>,
    pub region: Option<Option<String>>,
    pub is_default: Option<bool>,
    pub updated_at: NaiveDateTime,
}

impl CredentialChangeset {
    pub(crate) fn new(changes: &CredentialChanges, now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            name: changes.name.as_ref().map(|n| n.as_str().to_owned()),
            region: changes
                .region
                .as_ref()
                .map(|r| r.as_ref().map(|r| r.as_str().to_owned())),
            is_default: changes.is_default,
            updated_at: to_db(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row() -> CredentialRow {
        let now = Utc::now().naive_utc();
        CredentialRow {
            id: uuid::Uuid::now_v7().to_string(),
            organization_id: uuid::Uuid::now_v7().to_string(),
            user_id: uuid::Uuid::now_v7().to_string(),
            name: "prod".into(),
            provider: "aws".into(),
            access_key_preview: "AKIA…WXYZ".into(),
            region: Some("us-east-1".into()),
            account_id: Some("012345678901".into()),
            is_default: false,
            created_at: now,
            updated_at: now,
            last_used_at: None,
        }
    }

    #[test]
    fn bad_stored_values_are_corrupt_not_panics() {
        assert!(row().into_credential(SealedSecrets::new()).is_ok());
        let bad_rows = [
            CredentialRow {
                provider: "gcp".into(),
                ..row()
            },
            CredentialRow {
                region: Some("mars".into()),
                ..row()
            },
            CredentialRow {
                account_id: Some("12".into()),
                ..row()
            },
            CredentialRow {
                user_id: "7".into(),
                ..row()
            },
        ];
        for bad in bad_rows {
            let err = bad.into_credential(SealedSecrets::new()).unwrap_err();
            assert!(matches!(err, RepoError::Corrupt(_)), "{err:?}");
        }
    }
}
