//! `OnboardingRepository` on both backends: the wizard, discovery scans, assets and
//! enrollment tokens, each within its organization.

mod assets;
mod scans;
mod tokens;
mod wizard;

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::onboarding::{
    AgentPlatform, Asset, AssetOs, AssetRole, EnrollmentToken, ObservedService, Scan, ScanStatus,
};
use xdr_domain::ports::OnboardingRepository;
use xdr_domain::{AssetId, EnrollmentTokenId, OrganizationId, PageRequest, ScanId};
use xdr_persistence::Database;

use crate::support::audit_entries;

/// A queued scan of one /24, created at `at`.
pub fn scan(at: DateTime<Utc>) -> Scan {
    Scan {
        id: ScanId::generate(),
        status: ScanStatus::Queued,
        network_ranges: vec!["192.0.2.0/24".into(), "198.51.100.0/28".into()],
        ports: vec![22, 80, 443, 3389],
        exclude: vec!["192.0.2.1/32".into()],
        hosts_total: 270,
        hosts_scanned: 0,
        found: 0,
        created_at: at,
        started_at: None,
        finished_at: None,
        error: None,
    }
}

pub fn audit(org: OrganizationId, action: AuditAction, resource: impl ToString) -> NewAuditEntry {
    NewAuditEntry::new(org, action, "test").resource(resource)
}

/// A claim of 30 s from now, as a running scan's instance makes it.
pub fn claim() -> DateTime<Utc> {
    crate::support::now() + Duration::seconds(30)
}

/// Stores `scan(at)` for `org` and starts it, claimed for 30 s from `at`.
pub fn running_scan(db: &Database, org: OrganizationId, at: DateTime<Utc>) -> Scan {
    let s = scan(at);
    let repo = db.onboarding();
    repo.create_scan(org, &s, audit(org, AuditAction::DiscoveryScanStarted, s.id))
        .unwrap();
    assert!(
        repo.start_scan(org, s.id, at, at + Duration::seconds(30))
            .unwrap()
    );
    repo.get_scan(org, s.id).unwrap().unwrap()
}

/// A web server at `ip`, as `scan` found it at `at`.
pub fn asset(ip: &str, scan: ScanId, at: DateTime<Utc>) -> Asset {
    let role = AssetRole::WebServer;
    Asset {
        id: AssetId::generate(),
        ip: ip.parse::<IpAddr>().unwrap(),
        hostname: Some(format!("host-{ip}")),
        os: AssetOs::Linux,
        os_confidence: 0.75,
        role,
        priority: role.priority(),
        services: vec![
            ObservedService::new(22, Some("SSH-2.0-OpenSSH_9.6")),
            ObservedService::new(443, None),
        ],
        agent_id: None,
        first_seen_at: at,
        last_seen_at: at,
        scan_id: scan,
    }
}

/// A Linux token of `max_uses`, expiring a day after `at`.
pub fn enrollment_token(at: DateTime<Utc>, max_uses: u32) -> EnrollmentToken {
    EnrollmentToken {
        id: EnrollmentTokenId::generate(),
        platform: AgentPlatform::Linux,
        label: Some("lab hosts".into()),
        created_by: None,
        created_at: at,
        expires_at: at + chrono::Duration::hours(24),
        max_uses,
        uses: 0,
        revoked_at: None,
    }
}

/// The actions of `org`'s audit entries, oldest first.
pub fn actions(db: &Database, org: OrganizationId) -> Vec<AuditAction> {
    let mut entries = audit_entries(db, org);
    entries.sort_by_key(|e| e.seq);
    entries.into_iter().map(|e| e.entry.action).collect()
}

pub fn page(before: Option<uuid::Uuid>, limit: usize) -> PageRequest {
    PageRequest::new(before, Some(limit))
}
