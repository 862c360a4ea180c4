use std::sync::Arc;

use xdr_domain::identity::Role;
use xdr_domain::inventory::{MlModel, MlModelChange, MlModelChangeInput, MlModelInput};
use xdr_domain::{MlModelId, Page, PageRequest};

use super::{InventoryError, InventoryService, ML_MODEL_WRITER};
use crate::access::require;
use xdr_auth::Principal;
use xdr_auth::blocking;

impl InventoryService {
    pub async fn list_ml_models(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<MlModel>, InventoryError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        let rows = blocking::run(move || repo.list_ml_models(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |s| s.id.as_uuid()))
    }

    pub async fn ml_model(
        &self,
        principal: &Principal,
        id: MlModelId,
    ) -> Result<MlModel, InventoryError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        blocking::run(move || repo.get_ml_model(org, id))
            .await?
            .ok_or(InventoryError::NotFound)
    }

    pub async fn create_ml_model(
        &self,
        principal: &Principal,
        input: MlModelInput,
    ) -> Result<MlModel, InventoryError> {
        require(principal, ML_MODEL_WRITER)?;
        let model = input
            .validate(self.clock.now())
            .map_err(InventoryError::Validation)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        let created = blocking::run(move || repo.create_ml_model(org, &model)).await?;
        tracing::info!(organization_id = %org, ml_model_id = %created.id, "ml model record created");
        Ok(created)
    }

    pub async fn update_ml_model(
        &self,
        principal: &Principal,
        id: MlModelId,
        input: MlModelChangeInput,
    ) -> Result<MlModel, InventoryError> {
        require(principal, ML_MODEL_WRITER)?;
        let change = MlModelChange::parse(&input).map_err(InventoryError::Validation)?;
        let repo = Arc::clone(&self.repo);
        let (org, now) = (principal.organization_id, self.clock.now());
        blocking::run(move || repo.update_ml_model(org, id, &change, now))
            .await?
            .ok_or(InventoryError::NotFound)
    }

    pub async fn delete_ml_model(
        &self,
        principal: &Principal,
        id: MlModelId,
    ) -> Result<(), InventoryError> {
        require(principal, ML_MODEL_WRITER)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        if blocking::run(move || repo.delete_ml_model(org, id)).await? {
            tracing::info!(organization_id = %org, ml_model_id = %id, "ml model record deleted");
            Ok(())
        } else {
            Err(InventoryError::NotFound)
        }
    }
}
