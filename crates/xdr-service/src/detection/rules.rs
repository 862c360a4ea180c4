use std::sync::Arc;

use xdr_domain::FieldErrors;
use xdr_domain::detection::{RuleKind, RuleSettings};
use xdr_domain::identity::Role;

use super::{DetectionError, DetectionService};
use crate::access::require;
use xdr_auth::Principal;
use xdr_auth::blocking;

/// Bounds of tunable rule settings.
const MAX_THRESHOLD: u32 = 100_000;
const MAX_WINDOW_SECONDS: u32 = 24 * 60 * 60;

/// A partial update of a rule's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleChange {
    pub enabled: Option<bool>,
    pub threshold: Option<u32>,
    pub window_seconds: Option<u32>,
}

impl DetectionService {
    pub async fn rules(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(RuleKind, RuleSettings)>, DetectionError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        Ok(blocking::run(move || repo.rule_settings(org)).await?)
    }

    pub async fn rule(
        &self,
        principal: &Principal,
        rule: RuleKind,
    ) -> Result<RuleSettings, DetectionError> {
        let all = self.rules(principal).await?;
        all.into_iter()
            .find(|(r, _)| *r == rule)
            .map(|(_, s)| s)
            .ok_or(DetectionError::NotFound)
    }

    pub async fn update_rule(
        &self,
        principal: &Principal,
        rule: RuleKind,
        change: RuleChange,
    ) -> Result<RuleSettings, DetectionError> {
        require(principal, Role::SocLead)?;
        let mut errors = FieldErrors::new();
        if change
            .threshold
            .is_some_and(|t| t == 0 || t > MAX_THRESHOLD)
        {
            errors.add(
                "threshold",
                format!("must be between 1 and {MAX_THRESHOLD}"),
            );
        }
        if change
            .window_seconds
            .is_some_and(|w| w == 0 || w > MAX_WINDOW_SECONDS)
        {
            errors.add(
                "window_seconds",
                format!("must be between 1 and {MAX_WINDOW_SECONDS}"),
            );
        }
        if !errors.is_empty() {
            return Err(DetectionError::Validation(errors));
        }
        let current = self.rule(principal, rule).await?;
        let settings = RuleSettings {
            enabled: change.enabled.unwrap_or(current.enabled),
            threshold: change.threshold.unwrap_or(current.threshold),
            window_seconds: change.window_seconds.unwrap_or(current.window_seconds),
        };
        let repo = Arc::clone(&self.repo);
        let (org, now) = (principal.organization_id, self.clock.now());
        blocking::run(move || repo.set_rule_settings(org, rule, settings, now)).await?;
        Ok(settings)
    }
}
