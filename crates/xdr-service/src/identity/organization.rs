//! The caller's organization.

use std::sync::Arc;

use xdr_domain::identity::{Organization, OrganizationName, Role};
use xdr_domain::{Conflict, FieldErrors, RepoError};

use super::{AdminError, AdminService};
use crate::access::require;
use xdr_auth::Principal;
use xdr_auth::blocking;

impl AdminService {
    pub async fn organization(&self, principal: &Principal) -> Result<Organization, AdminError> {
        let orgs = Arc::clone(&self.organizations);
        let org = principal.organization_id;
        blocking::run(move || orgs.get(org))
            .await?
            .ok_or(AdminError::NotFound)
    }

    /// Renames the caller's organization (admin).
    pub async fn rename_organization(
        &self,
        principal: &Principal,
        name: &str,
    ) -> Result<Organization, AdminError> {
        require(principal, Role::Admin)?;
        let mut errors = FieldErrors::new();
        let Some(name) = errors.check("name", OrganizationName::parse(name)) else {
            return Err(AdminError::Validation(errors));
        };
        let orgs = Arc::clone(&self.organizations);
        let (org, now) = (principal.organization_id, self.clock.now());
        match blocking::run(move || orgs.rename(org, &name, now)).await {
            Ok(Some(organization)) => Ok(organization),
            Ok(None) => Err(AdminError::NotFound),
            Err(RepoError::Conflict(Conflict::OrganizationExists)) => {
                Err(AdminError::OrganizationExists)
            }
            Err(other) => Err(other.into()),
        }
    }
}
