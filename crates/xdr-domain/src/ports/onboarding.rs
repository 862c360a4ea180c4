//! The onboarding wizard's state and profile, discovery scans and the assets they found, and
//! enrollment tokens.

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::ids::{EnrollmentTokenId, OrganizationId, ScanId};
use crate::onboarding::{
    Asset, AssetPriority, EnrollmentToken, Onboarding, Profile, Scan, ScanCounts, ScanStatus,
    WizardError,
};
use crate::pagination::PageRequest;

use super::RepoResult;

/// An organization's wizard as stored: `Onboarding::new()` and no profile when it never
/// started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingRecord {
    pub onboarding: Onboarding,
    pub profile: Option<Profile>,
    /// Completed with `force` although validation had not passed.
    pub forced: bool,
}

/// What a wizard operation writes: the new record and its audit entries (empty when nothing
/// changed, and then nothing is written).
#[derive(Debug, Clone, PartialEq)]
pub struct OnboardingUpdate {
    pub record: OnboardingRecord,
    pub audits: Vec<NewAuditEntry>,
}

/// Which assets to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    /// Assets the scan found or updated last.
    pub scan_id: Option<ScanId>,
    pub priority: Option<AssetPriority>,
}

/// The wizard, discovery and enrollment tokens of an organization. A record of another
/// organization is reported exactly like a missing one.
pub trait OnboardingRepository: Send + Sync {
    fn onboarding(&self, org: OrganizationId) -> RepoResult<OnboardingRecord>;

    /// Under the organization's lock: reads the record, asks `decide` what to write, and when
    /// it returns an update with audit entries writes the record, mirrors its status on
    /// `organizations.onboarding_status` and appends the entries, in one transaction. Returns
    /// the record as it is afterwards, or the wizard's refusal (nothing written).
    fn update_onboarding(
        &self,
        org: OrganizationId,
        now: DateTime<Utc>,
        decide: &dyn Fn(&OnboardingRecord) -> Result<OnboardingUpdate, WizardError>,
    ) -> RepoResult<Result<OnboardingRecord, WizardError>>;

    /// Stores a queued scan and `audit` (`discovery.scan_started`). A second queued or
    /// running scan of the organization is `Conflict::ScanRunning`.
    fn create_scan(&self, org: OrganizationId, scan: &Scan, audit: NewAuditEntry)
    -> RepoResult<()>;

    fn get_scan(&self, org: OrganizationId, id: ScanId) -> RepoResult<Option<Scan>>;

    /// Newest first.
    fn list_scans(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<Scan>>;

    /// Queued → running, claimed by the caller's instance until `claimed_until`; false when
    /// the scan is no longer queued (cancelled meanwhile).
    fn start_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// While the scan runs: stores its counts, upserts `assets` (one per IP: a later scan
    /// updates the IP's asset, keeping its id, `first_seen_at` and `agent_id`) and renews the
    /// claim until `claimed_until`. Returns false, writing nothing, when the scan is no longer
    /// running (cancelled or interrupted): the scanner then stops.
    fn record_scan_progress(
        &self,
        org: OrganizationId,
        id: ScanId,
        counts: ScanCounts,
        assets: &[Asset],
        claimed_until: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// Ends a queued or running scan as `status` (completed, failed) with `error`; false when
    /// it had ended already.
    fn finish_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        status: ScanStatus,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// Cancels a queued or running scan and writes `audit` (`discovery.scan_cancelled`);
    /// `None` when there is no such scan. A scan that had ended is returned unchanged, with
    /// no audit entry.
    fn cancel_scan(
        &self,
        org: OrganizationId,
        id: ScanId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Scan>>;

    /// Across organizations: the queued or running scans that no instance runs any more
    /// become `interrupted`: running ones whose claim ran out before `now` (the instance
    /// running them stopped or died), and queued ones never started and created before
    /// `unclaimed_before`. A scan whose claim is current is left to its instance. Returns how
    /// many.
    fn interrupt_abandoned_scans(
        &self,
        now: DateTime<Utc>,
        unclaimed_before: DateTime<Utc>,
    ) -> RepoResult<u64>;

    /// Whether a scan of the organization has completed.
    fn has_completed_scan(&self, org: OrganizationId) -> RepoResult<bool>;

    /// Newest first (by id: when first seen), at most `page.fetch_limit()`.
    fn list_assets(
        &self,
        org: OrganizationId,
        filter: &AssetFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Asset>>;

    /// Stores a token by its secret's hash (SHA-256, hex) and `audit`
    /// (`enrollment_token.created`).
    fn create_enrollment_token(
        &self,
        org: OrganizationId,
        token: &EnrollmentToken,
        token_hash: &str,
        audit: NewAuditEntry,
    ) -> RepoResult<()>;

    /// Newest first; never the secret (storage has only its hash).
    fn list_enrollment_tokens(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<EnrollmentToken>>;

    /// Revokes the token (agents enrolled with it keep working) and writes `audit`
    /// (`enrollment_token.revoked`); `None` when there is no such token. Revoking a revoked
    /// token returns it unchanged, with no audit entry.
    fn revoke_enrollment_token(
        &self,
        org: OrganizationId,
        id: EnrollmentTokenId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<EnrollmentToken>>;
}
