//! Webhook endpoints: at most one per organization; every request-facing query filters by it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::ports::{RepoResult, WebhookRepository};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::webhooks::{WebhookEndpoint, WebhookPut, WebhookPutAudit, WebhookSealedRecord};
use xdr_domain::{OrganizationId, RepoError, WebhookId};

use super::audit::append_in_tx;
use crate::connection::AnyConnection;
use crate::database::{CrossTenant, Database};
use crate::error::{DbResultExt, corrupt};
use crate::models::{SEALED_WEBHOOK_COLUMNS, SealedWebhookRow, WEBHOOK_COLUMNS, WebhookRow};
use crate::schema::webhook_endpoints;
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlWebhookRepository {
    db: Database,
}

impl SqlWebhookRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn load(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<Option<WebhookEndpoint>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organization_id.eq(org.to_string()))
        .select(WEBHOOK_COLUMNS)
        .first::<WebhookRow>(conn)
        .optional()
        .repo()?
        .map(WebhookEndpoint::try_from)
        .transpose()
}

fn reload(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<WebhookEndpoint> {
    load(conn, org)?.ok_or_else(|| RepoError::Internal("webhook endpoint vanished".into()))
}

/// Inserts `row` unless its organization has an endpoint already; the number of rows inserted.
/// PostgreSQL waits for a concurrent insert of the same organization and then inserts nothing.
fn insert_if_absent(conn: &mut AnyConnection, row: &WebhookRow) -> RepoResult<usize> {
    let insert = diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .on_conflict(webhook_endpoints::organization_id)
        .do_nothing();
    match conn {
        AnyConnection::Postgresql(pg) => insert.execute(pg),
        AnyConnection::Sqlite(lite) => insert.execute(lite),
    }
    .repo()
}

impl WebhookRepository for SqlWebhookRepository {
    fn get(&self, org: OrganizationId) -> RepoResult<Option<WebhookEndpoint>> {
        self.db.tenant(org, |conn| load(conn, org))
    }

    fn put(&self, candidate: &WebhookEndpoint, audit: WebhookPutAudit) -> RepoResult<WebhookPut> {
        let org = candidate.organization_id;
        let now = candidate.updated_at;
        self.db.tenant_write(org, |c| {
            if insert_if_absent(c, &WebhookRow::from(candidate))? > 0 {
                append_in_tx(c, &audit.created, now)?;
                return Ok(WebhookPut::Created(reload(c, org)?));
            }
            diesel::update(webhook_endpoints::table)
                .filter(webhook_endpoints::organization_id.eq(org.to_string()))
                .set((
                    webhook_endpoints::url.eq(&candidate.url),
                    webhook_endpoints::enabled.eq(candidate.enabled),
                    webhook_endpoints::updated_at.eq(to_db(now)),
                ))
                .execute(c)
                .repo()?;
            append_in_tx(c, &audit.replaced, now)?;
            Ok(WebhookPut::Replaced(reload(c, org)?))
        })
    }

    fn replace_secret(
        &self,
        org: OrganizationId,
        id: WebhookId,
        sealed: &SealedSecret,
        preview: &str,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<WebhookEndpoint>> {
        self.db.tenant_write(org, |c| {
            let changed = diesel::update(webhook_endpoints::table)
                .filter(webhook_endpoints::organization_id.eq(org.to_string()))
                .filter(webhook_endpoints::id.eq(id.to_string()))
                .set((
                    webhook_endpoints::secret_sealed.eq(sealed.as_str()),
                    webhook_endpoints::secret_key_version.eq(i64::from(sealed.key_version())),
                    webhook_endpoints::secret_preview.eq(preview),
                    webhook_endpoints::updated_at.eq(to_db(now)),
                ))
                .execute(c)
                .repo()?;
            if changed == 0 {
                return Ok(None);
            }
            append_in_tx(c, &audit, now)?;
            Ok(Some(reload(c, org)?))
        })
    }

    fn delete(
        &self,
        org: OrganizationId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            let deleted = diesel::delete(webhook_endpoints::table)
                .filter(webhook_endpoints::organization_id.eq(org.to_string()))
                .execute(c)
                .repo()?;
            if deleted > 0 {
                append_in_tx(c, &audit, now)?;
            }
            Ok(deleted > 0)
        })
    }

    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<WebhookId>,
        limit: u32,
    ) -> RepoResult<Vec<WebhookSealedRecord>> {
        let mut query = webhook_endpoints::table
            .filter(webhook_endpoints::secret_key_version.ne(i64::from(active_version)))
            .select(SEALED_WEBHOOK_COLUMNS)
            .order(webhook_endpoints::id.asc())
            .limit(i64::from(limit))
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(webhook_endpoints::id.gt(after.to_string()));
        }
        self.db
            .cross_tenant(CrossTenant::VaultKeyVersions, |conn| {
                query.load::<SealedWebhookRow>(conn).repo()
            })?
            .into_iter()
            .map(WebhookSealedRecord::try_from)
            .collect()
    }

    fn replace_sealed(
        &self,
        current: &WebhookSealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool> {
        let replaced = self.db.tenant(current.organization_id, |conn| {
            diesel::update(webhook_endpoints::table)
                .filter(webhook_endpoints::organization_id.eq(current.organization_id.to_string()))
                .filter(webhook_endpoints::id.eq(current.id.to_string()))
                .filter(webhook_endpoints::secret_sealed.eq(current.sealed.as_str()))
                .set((
                    webhook_endpoints::secret_sealed.eq(replacement.as_str()),
                    webhook_endpoints::secret_key_version.eq(i64::from(replacement.key_version())),
                ))
                .execute(conn)
                .repo()
        })?;
        Ok(replaced > 0)
    }

    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>> {
        let counts = self
            .db
            .cross_tenant(CrossTenant::VaultKeyVersions, |conn| {
                webhook_endpoints::table
                    .group_by(webhook_endpoints::secret_key_version)
                    .select((
                        webhook_endpoints::secret_key_version,
                        diesel::dsl::count_star(),
                    ))
                    .load::<(i64, i64)>(conn)
                    .repo()
            })?;
        counts
            .into_iter()
            .map(|(version, count)| {
                let version = u32::try_from(version)
                    .map_err(|e| corrupt("webhook_endpoints.secret_key_version", e))?;
                let count = u64::try_from(count).map_err(|e| corrupt("count", e))?;
                Ok((version, count))
            })
            .collect()
    }
}
