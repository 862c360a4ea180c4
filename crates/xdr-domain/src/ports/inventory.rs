//! Log sources and ML model records.

use chrono::{DateTime, Utc};

use crate::ids::{LogSourceId, MlModelId, OrganizationId};
use crate::inventory::{LogSource, LogSourceChange, MlModel, MlModelChange};
use crate::pagination::PageRequest;

use super::RepoResult;

/// Log sources and ML model records of an organization. Lists are newest first, at most
/// `page.fetch_limit()`. Creating or renaming onto a taken name is `Conflict::LogSourceExists`
/// / `Conflict::MlModelExists`; `None` / `false` when `org` has no such record.
pub trait InventoryRepository: Send + Sync {
    fn create_log_source(&self, org: OrganizationId, source: &LogSource) -> RepoResult<LogSource>;
    fn list_log_sources(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<LogSource>>;
    fn get_log_source(&self, org: OrganizationId, id: LogSourceId)
    -> RepoResult<Option<LogSource>>;
    fn update_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
        change: &LogSourceChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<LogSource>>;
    fn delete_log_source(&self, org: OrganizationId, id: LogSourceId) -> RepoResult<bool>;

    fn create_ml_model(&self, org: OrganizationId, model: &MlModel) -> RepoResult<MlModel>;
    fn list_ml_models(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<MlModel>>;
    fn get_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<Option<MlModel>>;
    fn update_ml_model(
        &self,
        org: OrganizationId,
        id: MlModelId,
        change: &MlModelChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<MlModel>>;
    fn delete_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<bool>;
}
