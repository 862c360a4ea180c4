use std::sync::Arc;

use xdr_domain::identity::Role;
use xdr_domain::inventory::{LogSource, LogSourceChange, LogSourceChangeInput, LogSourceInput};
use xdr_domain::{LogSourceId, Page, PageRequest};

use super::{InventoryError, InventoryService, LOG_SOURCE_WRITER};
use crate::access::require;
use xdr_auth::Principal;
use xdr_auth::blocking;

impl InventoryService {
    pub async fn list_log_sources(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<LogSource>, InventoryError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        let rows = blocking::run(move || repo.list_log_sources(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |s| s.id.as_uuid()))
    }

    pub async fn log_source(
        &self,
        principal: &Principal,
        id: LogSourceId,
    ) -> Result<LogSource, InventoryError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        blocking::run(move || repo.get_log_source(org, id))
            .await?
            .ok_or(InventoryError::NotFound)
    }

    pub async fn create_log_source(
        &self,
        principal: &Principal,
        input: LogSourceInput,
    ) -> Result<LogSource, InventoryError> {
        require(principal, LOG_SOURCE_WRITER)?;
        let source = input
            .validate(self.clock.now())
            .map_err(InventoryError::Validation)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        let created = blocking::run(move || repo.create_log_source(org, &source)).await?;
        tracing::info!(organization_id = %org, log_source_id = %created.id, "log source created");
        Ok(created)
    }

    pub async fn update_log_source(
        &self,
        principal: &Principal,
        id: LogSourceId,
        input: LogSourceChangeInput,
    ) -> Result<LogSource, InventoryError> {
        require(principal, LOG_SOURCE_WRITER)?;
        let change = LogSourceChange::parse(&input).map_err(InventoryError::Validation)?;
        let repo = Arc::clone(&self.repo);
        let (org, now) = (principal.organization_id, self.clock.now());
        blocking::run(move || repo.update_log_source(org, id, &change, now))
            .await?
            .ok_or(InventoryError::NotFound)
    }

    pub async fn delete_log_source(
        &self,
        principal: &Principal,
        id: LogSourceId,
    ) -> Result<(), InventoryError> {
        require(principal, LOG_SOURCE_WRITER)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        if blocking::run(move || repo.delete_log_source(org, id)).await? {
            tracing::info!(organization_id = %org, log_source_id = %id, "log source deleted");
            Ok(())
        } else {
            Err(InventoryError::NotFound)
        }
    }
}
