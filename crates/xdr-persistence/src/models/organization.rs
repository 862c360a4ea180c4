use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::identity::{
    NewOrganization, OnboardingStatus, Organization, OrganizationName, Slug,
};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::organizations;
use crate::time::{from_db, to_db};

/// The columns of [`OrganizationRow`], in field order: use with `.select(..)` and `.returning(..)`.
pub(crate) type OrganizationColumns = (
    organizations::id,
    organizations::name,
    organizations::slug,
    organizations::onboarding_status,
    organizations::created_at,
    organizations::updated_at,
);
pub(crate) const ORGANIZATION_COLUMNS: OrganizationColumns = (
    organizations::id,
    organizations::name,
    organizations::slug,
    organizations::onboarding_status,
    organizations::created_at,
    organizations::updated_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub onboarding_status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = RepoError;

    fn try_from(row: OrganizationRow) -> Result<Self, RepoError> {
        Ok(Organization {
            id: parse_stored(&row.id, "organizations.id")?,
            name: OrganizationName::parse(&row.name)
                .map_err(|e| corrupt("organizations.name", e))?,
            slug: Slug::from_stored(row.slug),
            onboarding_status: parse_stored::<OnboardingStatus>(
                &row.onboarding_status,
                "organizations.onboarding_status",
            )?,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organizations)]
pub(crate) struct NewOrganizationRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub slug: String,
    pub onboarding_status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NewOrganizationRow {
    pub(crate) fn new(org: &NewOrganization, slug: &Slug) -> Self {
        let created_at = to_db(org.created_at);
        Self {
            id: org.id.to_string(),
            name: org.name.as_str().to_owned(),
            name_key: org.name.unique_key(),
            slug: slug.as_str().to_owned(),
            onboarding_status: OnboardingStatus::NotStarted.as_str().to_owned(),
            created_at,
            updated_at: created_at,
        }
    }
}
