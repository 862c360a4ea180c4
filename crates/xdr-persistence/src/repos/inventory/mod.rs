//! `InventoryRepository`: log sources and ML model records.

mod log_sources;
mod ml_models;

use chrono::{DateTime, Utc};
use xdr_domain::inventory::{LogSource, LogSourceChange, MlModel, MlModelChange};
use xdr_domain::ports::{InventoryRepository, RepoResult};
use xdr_domain::{LogSourceId, MlModelId, OrganizationId, PageRequest};

use crate::database::Database;

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone)]
pub struct SqlInventoryRepository {
    db: Database,
}

impl SqlInventoryRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl InventoryRepository for SqlInventoryRepository {
    fn create_log_source(&self, org: OrganizationId, source: &LogSource) -> RepoResult<LogSource> {
        self.db
            .tenant(org, |conn| log_sources::create(conn, org, source))
    }

    fn list_log_sources(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<LogSource>> {
        self.db
            .tenant(org, |conn| log_sources::list(conn, org, page))
    }

    fn get_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
    ) -> RepoResult<Option<LogSource>> {
        self.db.tenant(org, |conn| log_sources::get(conn, org, id))
    }

    fn update_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
        change: &LogSourceChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<LogSource>> {
        self.db
            .tenant_write(org, |c| log_sources::update(c, org, id, change, now))
    }

    fn delete_log_source(&self, org: OrganizationId, id: LogSourceId) -> RepoResult<bool> {
        self.db
            .tenant(org, |conn| log_sources::delete(conn, org, id))
    }

    fn create_ml_model(&self, org: OrganizationId, model: &MlModel) -> RepoResult<MlModel> {
        self.db
            .tenant(org, |conn| ml_models::create(conn, org, model))
    }

    fn list_ml_models(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<MlModel>> {
        self.db.tenant(org, |conn| ml_models::list(conn, org, page))
    }

    fn get_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<Option<MlModel>> {
        self.db.tenant(org, |conn| ml_models::get(conn, org, id))
    }

    fn update_ml_model(
        &self,
        org: OrganizationId,
        id: MlModelId,
        change: &MlModelChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<MlModel>> {
        self.db
            .tenant_write(org, |c| ml_models::update(c, org, id, change, now))
    }

    fn delete_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<bool> {
        self.db.tenant(org, |conn| ml_models::delete(conn, org, id))
    }
}
