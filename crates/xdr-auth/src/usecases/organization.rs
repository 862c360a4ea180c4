//! The caller's organization.

use std::sync::Arc;

use xdr_domain::identity::{Organization, OrganizationName};
use xdr_domain::{Conflict, FieldErrors, RepoError};

use crate::blocking;
use crate::error::AccountError;
use crate::principal::Principal;
use crate::service::AuthService;

impl AuthService {
    pub async fn organization(&self, principal: &Principal) -> Result<Organization, AccountError> {
        let orgs = Arc::clone(&self.store.organizations);
        let org = principal.organization_id;
        blocking::run(move || orgs.get(org))
            .await?
            .ok_or(AccountError::NotFound)
    }

    /// Renames the caller's organization. The caller's role is checked by the HTTP layer.
    pub async fn rename_organization(
        &self,
        principal: &Principal,
        name: &str,
    ) -> Result<Organization, AccountError> {
        let mut errors = FieldErrors::new();
        let Some(name) = errors.check("name", OrganizationName::parse(name)) else {
            return Err(AccountError::Validation(errors));
        };
        let orgs = Arc::clone(&self.store.organizations);
        let (org, now) = (principal.organization_id, self.now());
        match blocking::run(move || orgs.rename(org, &name, now)).await {
            Ok(Some(organization)) => Ok(organization),
            Ok(None) => Err(AccountError::NotFound),
            Err(RepoError::Conflict(Conflict::OrganizationExists)) => {
                Err(AccountError::OrganizationExists)
            }
            Err(other) => Err(other.into()),
        }
    }
}
