//! `InventoryRepository`: log sources and ML model records.

mod log_sources;
mod ml_models;

use chrono::{DateTime, Utc};
use xdr_domain::inventory::{LogSource, LogSourceChange, MlModel, MlModelChange};
use xdr_domain::ports::{InventoryRepository, RepoResult};
use xdr_domain::{LogSourceId, MlModelId, OrganizationId, PageRequest};

use crate::database::Database;
use crate::tx::write_transaction;

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
        log_sources::create(&mut *self.db.conn()?, org, source)
    }

    fn list_log_sources(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<LogSource>> {
        log_sources::list(&mut *self.db.conn()?, org, page)
    }

    fn get_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
    ) -> RepoResult<Option<LogSource>> {
        log_sources::get(&mut *self.db.conn()?, org, id)
    }

    fn update_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
        change: &LogSourceChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<LogSource>> {
        let mut conn = self.db.conn()?;
        write_transaction(&mut conn, |c| log_sources::update(c, org, id, change, now))
    }

    fn delete_log_source(&self, org: OrganizationId, id: LogSourceId) -> RepoResult<bool> {
        log_sources::delete(&mut *self.db.conn()?, org, id)
    }

    fn create_ml_model(&self, org: OrganizationId, model: &MlModel) -> RepoResult<MlModel> {
        ml_models::create(&mut *self.db.conn()?, org, model)
    }

    fn list_ml_models(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<MlModel>> {
        ml_models::list(&mut *self.db.conn()?, org, page)
    }

    fn get_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<Option<MlModel>> {
        ml_models::get(&mut *self.db.conn()?, org, id)
    }

    fn update_ml_model(
        &self,
        org: OrganizationId,
        id: MlModelId,
        change: &MlModelChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<MlModel>> {
        let mut conn = self.db.conn()?;
        write_transaction(&mut conn, |c| ml_models::update(c, org, id, change, now))
    }

    fn delete_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<bool> {
        ml_models::delete(&mut *self.db.conn()?, org, id)
    }
}
