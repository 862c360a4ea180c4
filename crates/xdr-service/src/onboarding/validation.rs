//! `POST /onboarding/validation`: is the organization really protected? An agent reports,
//! events arrive, every critical asset has an agent, and detection is on.

use std::sync::Arc;

use chrono::Duration;
use xdr_auth::{Principal, blocking};
use xdr_domain::agents::AgentStatus;
use xdr_domain::detection::EventFilter;
use xdr_domain::identity::Role;
use xdr_domain::onboarding::AssetPriority;
use xdr_domain::pagination::MAX_PAGE_LIMIT;
use xdr_domain::ports::AssetFilter;
use xdr_domain::{Page, PageRequest};

use super::{OnboardingError, OnboardingService};
use crate::access::require;

/// How recent an event must be for `events_received`.
const RECENT_EVENTS_MINUTES: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationCheck {
    pub name: &'static str,
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub checks: Vec<ValidationCheck>,
    pub all_passed: bool,
}

fn check(name: &'static str, passed: bool, detail: String) -> ValidationCheck {
    ValidationCheck {
        name,
        passed,
        detail,
    }
}

impl OnboardingService {
    pub async fn validate(&self, principal: &Principal) -> Result<Validation, OnboardingError> {
        require(principal, Role::Admin)?;
        let checks = vec![
            self.agent_active(principal).await?,
            self.events_received(principal).await?,
            self.critical_assets_covered(principal).await?,
            self.detection_enabled(principal).await?,
        ];
        let all_passed = checks.iter().all(|c| c.passed);
        Ok(Validation { checks, all_passed })
    }

    async fn agent_active(
        &self,
        principal: &Principal,
    ) -> Result<ValidationCheck, OnboardingError> {
        let mut active = 0usize;
        let mut before = None;
        loop {
            let page = PageRequest::new(before, Some(MAX_PAGE_LIMIT));
            let listed = self
                .ports
                .agents
                .list(principal, Some(AgentStatus::Active), page)
                .await?;
            active += listed.items.len();
            match listed.next_before {
                Some(next) if active == 0 => before = Some(next),
                _ => break,
            }
        }
        Ok(if active > 0 {
            check("agent_active", true, format!("{active} agent(s) reporting"))
        } else {
            check(
                "agent_active",
                false,
                "no agent has sent a heartbeat recently; install one from an enrollment token"
                    .into(),
            )
        })
    }

    async fn events_received(
        &self,
        principal: &Principal,
    ) -> Result<ValidationCheck, OnboardingError> {
        let org = principal.organization_id;
        let filter = EventFilter {
            since: Some(self.clock.now() - Duration::minutes(RECENT_EVENTS_MINUTES)),
            ..EventFilter::default()
        };
        let ports = Arc::clone(&self.ports);
        let recent = blocking::run(move || {
            ports
                .detection
                .list_events(org, &filter, &PageRequest::new(None, Some(1)))
        })
        .await?;
        Ok(if recent.is_empty() {
            check(
                "events_received",
                false,
                format!("no event in the last {RECENT_EVENTS_MINUTES} minutes"),
            )
        } else {
            check(
                "events_received",
                true,
                format!("events received in the last {RECENT_EVENTS_MINUTES} minutes"),
            )
        })
    }

    async fn critical_assets_covered(
        &self,
        principal: &Principal,
    ) -> Result<ValidationCheck, OnboardingError> {
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let (critical, uncovered) = blocking::run(move || {
            let filter = AssetFilter {
                scan_id: None,
                priority: Some(AssetPriority::Critical),
            };
            let (mut critical, mut uncovered) = (0usize, Vec::new());
            let mut before = None;
            loop {
                let page = PageRequest::new(before, Some(MAX_PAGE_LIMIT));
                let rows = ports.onboarding.list_assets(org, &filter, &page)?;
                let assets = Page::from_rows(rows, &page, |a| a.id.as_uuid());
                critical += assets.items.len();
                uncovered.extend(
                    assets
                        .items
                        .iter()
                        .filter(|a| a.agent_id.is_none())
                        .map(|a| a.ip),
                );
                match assets.next_before {
                    Some(next) => before = Some(next),
                    None => return Ok((critical, uncovered)),
                }
            }
        })
        .await?;
        Ok(match (critical, uncovered.as_slice()) {
            (0, _) => check(
                "critical_assets_covered",
                true,
                "no critical asset was discovered".into(),
            ),
            (n, []) => check(
                "critical_assets_covered",
                true,
                format!("all {n} critical asset(s) have an agent"),
            ),
            (n, missing) => {
                let shown: Vec<String> = missing.iter().take(10).map(ToString::to_string).collect();
                check(
                    "critical_assets_covered",
                    false,
                    format!(
                        "{} of {n} critical asset(s) have no agent: {}",
                        missing.len(),
                        shown.join(", ")
                    ),
                )
            }
        })
    }

    async fn detection_enabled(
        &self,
        principal: &Principal,
    ) -> Result<ValidationCheck, OnboardingError> {
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let rules = blocking::run(move || ports.detection.rule_settings(org)).await?;
        let enabled = rules.iter().filter(|(_, s)| s.enabled).count();
        Ok(if enabled > 0 {
            check(
                "detection_enabled",
                true,
                format!("{enabled} of {} detection rules enabled", rules.len()),
            )
        } else {
            check(
                "detection_enabled",
                false,
                "every detection rule is disabled".into(),
            )
        })
    }
}
