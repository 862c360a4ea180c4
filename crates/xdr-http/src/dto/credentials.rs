//! Bodies of the `/credentials` endpoints. Secrets come in only (as redacting types) and never
//! go out: a view shows the access key's first and last four characters and nothing else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_service::credentials::{
    CheckedCredential, CreateCredentialInput, CredentialPage, ListCredentialsInput,
    UpdateCredentialInput,
};

use super::secret::SecretString;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCredentialRequest {
    #[schema(example = "production")]
    pub name: String,
    /// Only `aws` for now.
    #[schema(example = "aws")]
    pub provider: String,
    /// `AKIA` (long-term) or `ASIA` (temporary) followed by 16 upper-case letters or digits.
    #[schema(example = "AKIAIOSFODNN7EXAMPLE")]
    pub access_key_id: String,
    /// 40 characters. Stored sealed; never returned.
    #[schema(value_type = String, format = Password, pattern = "^[A-Za-z0-9/+]{40}$")]
    pub secret_access_key: SecretString,
    /// Required with `ASIA` keys, refused with `AKIA` keys. Stored sealed; never returned.
    #[schema(value_type = Option<String>, format = Password, pattern = "^[A-Za-z0-9+/=]{16,8192}$")]
    pub session_token: Option<SecretString>,
    #[schema(example = "us-east-1")]
    pub region: Option<String>,
    #[schema(example = "123456789012")]
    pub account_id: Option<String>,
    /// Makes it the caller's default (the previous default stops being one).
    #[serde(default)]
    pub is_default: bool,
}

impl From<CreateCredentialRequest> for CreateCredentialInput {
    fn from(r: CreateCredentialRequest) -> Self {
        Self {
            name: r.name,
            provider: r.provider,
            access_key_id: r.access_key_id,
            secret_access_key: r.secret_access_key.into_secret_text(),
            session_token: r.session_token.map(SecretString::into_secret_text),
            region: r.region,
            account_id: r.account_id,
            is_default: r.is_default,
        }
    }
}

/// Absent → `None` (leave as is); `null` → `Some(None)` (clear); a value → `Some(Some(..))`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Every field is optional; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCredentialRequest {
    #[schema(example = "production")]
    pub name: Option<String>,
    /// `null` clears the region.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "eu-west-1")]
    pub region: Option<Option<String>>,
    pub is_default: Option<bool>,
    /// A new secret for the same access key id. Stored sealed; never returned.
    #[schema(value_type = Option<String>, format = Password, pattern = "^[A-Za-z0-9/+]{40}$")]
    pub secret_access_key: Option<SecretString>,
}

impl From<UpdateCredentialRequest> for UpdateCredentialInput {
    fn from(r: UpdateCredentialRequest) -> Self {
        Self {
            name: r.name,
            region: r.region,
            is_default: r.is_default,
            secret_access_key: r.secret_access_key.map(SecretString::into_secret_text),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListCredentialsQuery {
    /// 1–500, default 50 (refused outside, unlike the other lists).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(value_type = Option<Uuid>)]
    pub cursor: Option<String>,
}

impl From<ListCredentialsQuery> for ListCredentialsInput {
    fn from(q: ListCredentialsQuery) -> Self {
        Self {
            limit: q.limit,
            cursor: q.cursor,
        }
    }
}

/// A stored credential, without its secrets.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialView {
    pub id: Uuid,
    #[schema(example = "production")]
    pub name: String,
    #[schema(example = "aws")]
    pub provider: String,
    /// First and last four characters of the access key id.
    #[schema(example = "AKIA…MPLE")]
    pub access_key_preview: String,
    #[schema(example = "us-east-1")]
    pub region: Option<String>,
    #[schema(example = "123456789012")]
    pub account_id: Option<String>,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// `ok`, or `undecryptable` when the stored secrets do not open (tampered, moved, or
    /// sealed with a key that is not configured); replace the secret or delete the credential.
    #[schema(example = "ok")]
    pub status: &'static str,
}

impl From<&CheckedCredential> for CredentialView {
    fn from(checked: &CheckedCredential) -> Self {
        let c = &checked.credential;
        Self {
            id: c.id.as_uuid(),
            name: c.name.as_str().to_owned(),
            provider: c.provider.as_str().to_owned(),
            access_key_preview: c.access_key_preview.clone(),
            region: c.region.as_ref().map(|r| r.as_str().to_owned()),
            account_id: c.account_id.as_ref().map(|a| a.as_str().to_owned()),
            is_default: c.is_default,
            created_at: c.created_at,
            updated_at: c.updated_at,
            last_used_at: c.last_used_at,
            status: checked.status.as_str(),
        }
    }
}

/// A list page (docs/api.md, "Lists and pagination"): items, and a cursor for the
/// next page or null.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialList {
    pub items: Vec<CredentialView>,
    pub next_cursor: Option<String>,
}

impl From<&CredentialPage> for CredentialList {
    fn from(page: &CredentialPage) -> Self {
        Self {
            items: page.items.iter().map(CredentialView::from).collect(),
            next_cursor: page.next_cursor.clone(),
        }
    }
}
