//! Webhook endpoints: one row per organization, its secret sealed in two columns.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::secrets::SealedSecret;
use xdr_domain::webhooks::{WebhookEndpoint, WebhookSealedRecord};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::webhook_endpoints;
use crate::time::{from_db, to_db};

pub(crate) type WebhookColumns = (
    webhook_endpoints::id,
    webhook_endpoints::organization_id,
    webhook_endpoints::url,
    webhook_endpoints::enabled,
    webhook_endpoints::secret_sealed,
    webhook_endpoints::secret_key_version,
    webhook_endpoints::secret_preview,
    webhook_endpoints::created_at,
    webhook_endpoints::updated_at,
);
pub(crate) const WEBHOOK_COLUMNS: WebhookColumns = (
    webhook_endpoints::id,
    webhook_endpoints::organization_id,
    webhook_endpoints::url,
    webhook_endpoints::enabled,
    webhook_endpoints::secret_sealed,
    webhook_endpoints::secret_key_version,
    webhook_endpoints::secret_preview,
    webhook_endpoints::created_at,
    webhook_endpoints::updated_at,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub(crate) struct WebhookRow {
    pub id: String,
    pub organization_id: String,
    pub url: String,
    pub enabled: bool,
    pub secret_sealed: String,
    pub secret_key_version: i64,
    pub secret_preview: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn sealed(stored: String, version: i64) -> Result<SealedSecret, RepoError> {
    let version =
        u32::try_from(version).map_err(|e| corrupt("webhook_endpoints.secret_key_version", e))?;
    Ok(SealedSecret::new(version, stored))
}

impl From<&WebhookEndpoint> for WebhookRow {
    fn from(w: &WebhookEndpoint) -> Self {
        Self {
            id: w.id.to_string(),
            organization_id: w.organization_id.to_string(),
            url: w.url.clone(),
            enabled: w.enabled,
            secret_sealed: w.secret.as_str().to_owned(),
            secret_key_version: i64::from(w.secret.key_version()),
            secret_preview: w.secret_preview.clone(),
            created_at: to_db(w.created_at),
            updated_at: to_db(w.updated_at),
        }
    }
}

impl TryFrom<WebhookRow> for WebhookEndpoint {
    type Error = RepoError;

    fn try_from(r: WebhookRow) -> Result<Self, RepoError> {
        Ok(WebhookEndpoint {
            id: parse_stored(&r.id, "webhook_endpoints.id")?,
            organization_id: parse_stored(&r.organization_id, "webhook_endpoints.organization_id")?,
            url: r.url,
            enabled: r.enabled,
            secret: sealed(r.secret_sealed, r.secret_key_version)?,
            secret_preview: r.secret_preview,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

pub(crate) type SealedWebhookColumns = (
    webhook_endpoints::id,
    webhook_endpoints::organization_id,
    webhook_endpoints::secret_sealed,
    webhook_endpoints::secret_key_version,
);
pub(crate) const SEALED_WEBHOOK_COLUMNS: SealedWebhookColumns = (
    webhook_endpoints::id,
    webhook_endpoints::organization_id,
    webhook_endpoints::secret_sealed,
    webhook_endpoints::secret_key_version,
);

#[derive(Debug, Queryable)]
pub(crate) struct SealedWebhookRow {
    pub id: String,
    pub organization_id: String,
    pub secret_sealed: String,
    pub secret_key_version: i64,
}

impl TryFrom<SealedWebhookRow> for WebhookSealedRecord {
    type Error = RepoError;

    fn try_from(r: SealedWebhookRow) -> Result<Self, RepoError> {
        Ok(WebhookSealedRecord {
            id: parse_stored(&r.id, "webhook_endpoints.id")?,
            organization_id: parse_stored(&r.organization_id, "webhook_endpoints.organization_id")?,
            sealed: sealed(r.secret_sealed, r.secret_key_version)?,
        })
    }
}
