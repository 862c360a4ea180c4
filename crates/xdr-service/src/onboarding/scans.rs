//! Discovery: starting, reading and cancelling scans, the assets they found and the
//! deployment plan drawn from those assets.

use std::sync::Arc;

use serde_json::json;
use xdr_auth::audit_trail::by_principal;
use xdr_auth::{ClientInfo, Principal, blocking};
use xdr_domain::audit::AuditAction;
use xdr_domain::identity::Role;
use xdr_domain::onboarding::{
    Asset, OnboardingStatus, PlanItem, PlannedAsset, Scan, ScanRequest, ScanStatus, WizardError,
    deployment_plan, plan_scan,
};
use xdr_domain::pagination::MAX_PAGE_LIMIT;
use xdr_domain::ports::AssetFilter;
use xdr_domain::{AssetId, Conflict, Page, PageRequest, RepoError, ScanId};

use super::scan_jobs::Job;
use super::{OnboardingError, OnboardingService};
use crate::access::require;

const RESOURCE_SCAN: &str = "discovery_scan";

impl OnboardingService {
    /// Refuses what needs the wizard started (scans, tokens) before it ever was.
    pub(super) async fn require_started(
        &self,
        principal: &Principal,
    ) -> Result<(), OnboardingError> {
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let record = blocking::run(move || ports.onboarding.onboarding(org)).await?;
        if record.onboarding.status == OnboardingStatus::NotStarted {
            return Err(OnboardingError::Wizard(WizardError::NotStarted));
        }
        Ok(())
    }

    /// Validates the request (nothing is probed when it is refused), stores the scan queued
    /// and starts it in the background.
    pub async fn start_scan(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        request: &ScanRequest,
    ) -> Result<Scan, OnboardingError> {
        require(principal, Role::Admin)?;
        self.require_started(principal).await?;
        let plan =
            plan_scan(request, &self.config.discovery).map_err(OnboardingError::Validation)?;
        let now = self.clock.now();
        let scan = Scan {
            id: ScanId::generate(),
            status: ScanStatus::Queued,
            network_ranges: plan.ranges.iter().map(ToString::to_string).collect(),
            ports: plan.ports.clone(),
            exclude: request
                .exclude
                .iter()
                .map(|e| e.trim().to_owned())
                .collect(),
            hosts_total: u64::try_from(plan.targets().len()).unwrap_or(u64::MAX),
            hosts_scanned: 0,
            found: 0,
            created_at: now,
            started_at: None,
            finished_at: None,
            error: None,
        };
        let audit = by_principal(
            principal,
            AuditAction::DiscoveryScanStarted,
            RESOURCE_SCAN,
            client,
        )
        .resource(scan.id)
        .details(json!({
            "network_ranges": scan.network_ranges,
            "ports": scan.ports.len(),
            "hosts_total": scan.hosts_total,
        }));
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let stored = scan.clone();
        blocking::run(move || ports.onboarding.create_scan(org, &stored, audit))
            .await
            .map_err(|e| match e {
                RepoError::Conflict(Conflict::ScanRunning) => OnboardingError::ScanRunning,
                other => other.into(),
            })?;
        self.jobs.spawn(Job {
            ports: Arc::clone(&self.ports),
            clock: Arc::clone(&self.clock),
            org,
            id: scan.id,
            plan,
            limits: self.config.scan_limits,
            lease: self.config.scan_lease,
        });
        Ok(scan)
    }

    pub async fn get_scan(
        &self,
        principal: &Principal,
        id: ScanId,
    ) -> Result<Scan, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        blocking::run(move || ports.onboarding.get_scan(org, id))
            .await?
            .ok_or(OnboardingError::NotFound)
    }

    pub async fn list_scans(
        &self,
        principal: &Principal,
        page: PageRequest,
    ) -> Result<Page<Scan>, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let rows = blocking::run(move || ports.onboarding.list_scans(org, &page)).await?;
        Ok(Page::from_rows(rows, &page, |s| s.id.as_uuid()))
    }

    /// Cancels a queued or running scan; an ended scan is returned as it is.
    pub async fn cancel_scan(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        id: ScanId,
    ) -> Result<Scan, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let audit = by_principal(
            principal,
            AuditAction::DiscoveryScanCancelled,
            RESOURCE_SCAN,
            client,
        )
        .resource(id);
        let now = self.clock.now();
        let ports = Arc::clone(&self.ports);
        let scan = blocking::run(move || ports.onboarding.cancel_scan(org, id, now, audit))
            .await?
            .ok_or(OnboardingError::NotFound)?;
        self.jobs.cancel(id);
        Ok(scan)
    }

    pub async fn list_assets(
        &self,
        principal: &Principal,
        filter: AssetFilter,
        page: PageRequest,
    ) -> Result<Page<Asset>, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let rows = blocking::run(move || ports.onboarding.list_assets(org, &filter, &page)).await?;
        Ok(Page::from_rows(rows, &page, |a| a.id.as_uuid()))
    }

    /// Every discovered asset, most urgent first, with the platform to install.
    pub async fn deployment_plan(
        &self,
        principal: &Principal,
    ) -> Result<Vec<PlanItem<AssetId>>, OnboardingError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let assets = blocking::run(move || {
            let mut all = Vec::new();
            let mut before = None;
            loop {
                let page = PageRequest::new(before, Some(MAX_PAGE_LIMIT));
                let rows = ports
                    .onboarding
                    .list_assets(org, &AssetFilter::default(), &page)?;
                let page = Page::from_rows(rows, &page, |a: &Asset| a.id.as_uuid());
                all.extend(page.items);
                match page.next_before {
                    Some(next) => before = Some(next),
                    None => return Ok(all),
                }
            }
        })
        .await?;
        let planned: Vec<PlannedAsset<AssetId>> = assets
            .iter()
            .map(|a| PlannedAsset {
                id: a.id,
                ip: a.ip,
                os: a.os,
                role: a.role,
                priority: a.priority,
                has_agent: a.agent_id.is_some(),
            })
            .collect();
        Ok(deployment_plan(&planned))
    }
}
