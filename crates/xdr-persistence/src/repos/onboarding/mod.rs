//! `OnboardingRepository`: the wizard's state (`wizard`), discovery scans (`scans`), the
//! assets they found (`assets`) and enrollment tokens (`tokens`). Every query filters by the
//! organization it is given; only `interrupt_abandoned_scans` spans organizations.

mod assets;
mod scans;
mod tokens;
mod wizard;

use chrono::{DateTime, Utc};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::onboarding::{Asset, EnrollmentToken, Scan, ScanCounts, ScanStatus, WizardError};
use xdr_domain::ports::{
    AssetFilter, OnboardingRecord, OnboardingRepository, OnboardingUpdate, RepoResult,
};
use xdr_domain::{EnrollmentTokenId, OrganizationId, PageRequest, RepoError, ScanId};

use crate::database::{CrossTenant, Database};
use crate::repos::audit::same_organization;

fn limit(page: &PageRequest) -> i64 {
    i64::try_from(page.fetch_limit()).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone)]
pub struct SqlOnboardingRepository {
    db: Database,
}

impl SqlOnboardingRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl OnboardingRepository for SqlOnboardingRepository {
    fn onboarding(&self, org: OrganizationId) -> RepoResult<OnboardingRecord> {
        self.db.tenant(org, |conn| wizard::load(conn, org))
    }

    fn update_onboarding(
        &self,
        org: OrganizationId,
        now: DateTime<Utc>,
        decide: &dyn Fn(&OnboardingRecord) -> Result<OnboardingUpdate, WizardError>,
    ) -> RepoResult<Result<OnboardingRecord, WizardError>> {
        self.db
            .tenant_write(org, |conn| wizard::update(conn, org, now, decide))
    }

    fn create_scan(
        &self,
        org: OrganizationId,
        scan: &Scan,
        audit: NewAuditEntry,
    ) -> RepoResult<()> {
        same_organization(org, &audit)?;
        self.db
            .tenant_write(org, |conn| scans::create(conn, org, scan, &audit))
    }

    fn get_scan(&self, org: OrganizationId, id: ScanId) -> RepoResult<Option<Scan>> {
        self.db.tenant(org, |conn| scans::get(conn, org, id))
    }

    fn list_scans(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<Scan>> {
        self.db.tenant(org, |conn| scans::list(conn, org, page))
    }

    fn start_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.db
            .tenant(org, |conn| scans::start(conn, org, id, now, claimed_until))
    }

    fn record_scan_progress(
        &self,
        org: OrganizationId,
        id: ScanId,
        counts: ScanCounts,
        assets: &[Asset],
        claimed_until: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |conn| {
            if !scans::record_counts(conn, org, id, counts, claimed_until)? {
                return Ok(false);
            }
            assets::upsert(conn, org, id, assets)?;
            Ok(true)
        })
    }

    fn finish_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        status: ScanStatus,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> RepoResult<bool> {
        if status.is_active() {
            return Err(RepoError::Internal(format!(
                "a scan cannot finish as {status}"
            )));
        }
        self.db
            .tenant(org, |conn| scans::finish(conn, org, id, status, error, now))
    }

    fn cancel_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Scan>> {
        same_organization(org, &audit)?;
        self.db
            .tenant_write(org, |conn| scans::cancel(conn, org, id, now, &audit))
    }

    fn interrupt_abandoned_scans(
        &self,
        now: DateTime<Utc>,
        unclaimed_before: DateTime<Utc>,
    ) -> RepoResult<u64> {
        self.db
            .cross_tenant_write(CrossTenant::ScanInterruption, |conn| {
                scans::interrupt_abandoned(conn, now, unclaimed_before)
            })
    }

    fn has_completed_scan(&self, org: OrganizationId) -> RepoResult<bool> {
        self.db.tenant(org, |conn| scans::has_completed(conn, org))
    }

    fn list_assets(
        &self,
        org: OrganizationId,
        filter: &AssetFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Asset>> {
        self.db
            .tenant(org, |conn| assets::list(conn, org, filter, page))
    }

    fn create_enrollment_token(
        &self,
        org: OrganizationId,
        token: &EnrollmentToken,
        token_hash: &str,
        audit: NewAuditEntry,
    ) -> RepoResult<()> {
        same_organization(org, &audit)?;
        self.db.tenant_write(org, |conn| {
            tokens::create(conn, org, token, token_hash, &audit)
        })
    }

    fn list_enrollment_tokens(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<EnrollmentToken>> {
        self.db.tenant(org, |conn| tokens::list(conn, org, page))
    }

    fn revoke_enrollment_token(
        &self,
        org: OrganizationId,
        id: EnrollmentTokenId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<EnrollmentToken>> {
        same_organization(org, &audit)?;
        self.db
            .tenant_write(org, |conn| tokens::revoke(conn, org, id, now, &audit))
    }
}
