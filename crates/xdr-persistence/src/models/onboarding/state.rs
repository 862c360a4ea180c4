//! `onboarding_states`: one row per organization that started the wizard.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::onboarding::{CompanySize, Onboarding, OnboardingStatus, OnboardingStep, Profile};
use xdr_domain::ports::OnboardingRecord;

use crate::error::corrupt;
use crate::models::parse_stored;
use crate::schema::onboarding_states;
use crate::time::to_db;

pub(crate) type StateColumns = (
    onboarding_states::organization_id,
    onboarding_states::status,
    onboarding_states::completed_steps,
    onboarding_states::region,
    onboarding_states::industry,
    onboarding_states::company_size,
    onboarding_states::forced,
    onboarding_states::created_at,
    onboarding_states::updated_at,
);
pub(crate) const STATE_COLUMNS: StateColumns = (
    onboarding_states::organization_id,
    onboarding_states::status,
    onboarding_states::completed_steps,
    onboarding_states::region,
    onboarding_states::industry,
    onboarding_states::company_size,
    onboarding_states::forced,
    onboarding_states::created_at,
    onboarding_states::updated_at,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = onboarding_states)]
pub(crate) struct StateRow {
    pub organization_id: String,
    pub status: String,
    /// A comma-separated prefix of the steps, in order.
    pub completed_steps: String,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub company_size: Option<String>,
    pub forced: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl StateRow {
    /// The row of `record`, as first written at `now`.
    pub(crate) fn new(
        organization_id: String,
        record: &OnboardingRecord,
        now: DateTime<Utc>,
    ) -> Self {
        let profile = record.profile.as_ref();
        let steps: Vec<&str> = record
            .onboarding
            .completed_steps()
            .iter()
            .map(|s| s.as_str())
            .collect();
        Self {
            organization_id,
            status: record.onboarding.status.as_str().to_owned(),
            completed_steps: steps.join(","),
            region: profile.map(|p| p.region.clone()),
            industry: profile.map(|p| p.industry.clone()),
            company_size: profile.map(|p| p.company_size.as_str().to_owned()),
            forced: record.forced,
            created_at: to_db(now),
            updated_at: to_db(now),
        }
    }
}

fn profile(row: &StateRow) -> Result<Option<Profile>, RepoError> {
    match (&row.region, &row.industry, &row.company_size) {
        (None, None, None) => Ok(None),
        (Some(region), Some(industry), Some(size)) => Ok(Some(Profile {
            region: region.clone(),
            industry: industry.clone(),
            company_size: parse_stored::<CompanySize>(size, "onboarding_states.company_size")?,
        })),
        _ => Err(corrupt(
            "onboarding_states.region",
            "region, industry and company_size are stored together",
        )),
    }
}

impl TryFrom<StateRow> for OnboardingRecord {
    type Error = RepoError;

    fn try_from(row: StateRow) -> Result<Self, RepoError> {
        let status = parse_stored::<OnboardingStatus>(&row.status, "onboarding_states.status")?;
        let steps = row
            .completed_steps
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| parse_stored::<OnboardingStep>(s, "onboarding_states.completed_steps"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(OnboardingRecord {
            onboarding: Onboarding::restore(status, &steps),
            profile: profile(&row)?,
            forced: row.forced,
        })
    }
}
