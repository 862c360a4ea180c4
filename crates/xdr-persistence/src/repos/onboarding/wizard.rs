//! The wizard's state: one `onboarding_states` row per organization that started it, its
//! status mirrored on `organizations.onboarding_status`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::onboarding::{Onboarding, WizardError};
use xdr_domain::ports::{OnboardingRecord, OnboardingUpdate, RepoResult};

use super::same_organization;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::onboarding::{STATE_COLUMNS, StateRow};
use crate::repos::audit::append_in_tx;
use crate::repos::detection::ingest::lock_organization;
use crate::schema::{onboarding_states, organizations};
use crate::time::to_db;

/// The stored record, or a wizard never started.
pub(super) fn load(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<OnboardingRecord> {
    let row = onboarding_states::table
        .filter(onboarding_states::organization_id.eq(org.to_string()))
        .select(STATE_COLUMNS)
        .first::<StateRow>(conn)
        .optional()
        .repo()?;
    match row {
        Some(row) => OnboardingRecord::try_from(row),
        None => Ok(OnboardingRecord {
            onboarding: Onboarding::new(),
            profile: None,
            forced: false,
        }),
    }
}

/// Writes `record` over the organization's row, or inserts the row on first use (the
/// organization's lock makes update-then-insert safe).
fn save(
    conn: &mut AnyConnection,
    org: OrganizationId,
    record: &OnboardingRecord,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    let row = StateRow::new(org.to_string(), record, now);
    let updated = diesel::update(onboarding_states::table)
        .filter(onboarding_states::organization_id.eq(&row.organization_id))
        .set((
            onboarding_states::status.eq(&row.status),
            onboarding_states::completed_steps.eq(&row.completed_steps),
            onboarding_states::region.eq(&row.region),
            onboarding_states::industry.eq(&row.industry),
            onboarding_states::company_size.eq(&row.company_size),
            onboarding_states::forced.eq(row.forced),
            onboarding_states::updated_at.eq(row.updated_at),
        ))
        .execute(conn)
        .repo()?;
    if updated == 0 {
        diesel::insert_into(onboarding_states::table)
            .values(&row)
            .execute(conn)
            .repo()?;
    }
    Ok(())
}

/// Inside the caller's write transaction: see `OnboardingRepository::update_onboarding`.
pub(super) fn update(
    conn: &mut AnyConnection,
    org: OrganizationId,
    now: DateTime<Utc>,
    decide: &dyn Fn(&OnboardingRecord) -> Result<OnboardingUpdate, WizardError>,
) -> RepoResult<Result<OnboardingRecord, WizardError>> {
    lock_organization(conn, org)?;
    let record = load(conn, org)?;
    let update = match decide(&record) {
        Ok(update) => update,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if update.audits.is_empty() {
        return Ok(Ok(record));
    }
    for audit in &update.audits {
        same_organization(org, audit)?;
    }
    save(conn, org, &update.record, now)?;
    diesel::update(organizations::table)
        .filter(organizations::id.eq(org.to_string()))
        .set((
            organizations::onboarding_status.eq(update.record.onboarding.status.as_str()),
            organizations::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
        .repo()?;
    for audit in &update.audits {
        append_in_tx(conn, audit, now)?;
    }
    load(conn, org).map(Ok)
}
