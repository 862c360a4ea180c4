//! Containment: policies that act on incidents, the actions they take, and the log of them.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::detection::{Incident, UnknownValue};
use crate::ids::{ActionLogId, IncidentId, OrganizationId, PolicyId, UserId};
use crate::validation::FieldErrors;

const MAX_NAME_CHARS: usize = 100;
const MAX_PARAMS_BYTES: usize = 8 * 1024;
/// The default policy every new organization gets: block the source for an hour.
pub const DEFAULT_POLICY_NAME: &str = "Block high-risk sources";
const DEFAULT_MIN_RISK: f64 = 0.8;
const DEFAULT_MIN_EVENTS: i64 = 10;
const DEFAULT_BLOCK_SECONDS: u32 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainmentAction {
    BlockIp,
    UnblockIp,
    IsolateHost,
    Notify,
}

impl ContainmentAction {
    pub const ALL: [ContainmentAction; 4] = [
        ContainmentAction::BlockIp,
        ContainmentAction::UnblockIp,
        ContainmentAction::IsolateHost,
        ContainmentAction::Notify,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContainmentAction::BlockIp => "block_ip",
            ContainmentAction::UnblockIp => "unblock_ip",
            ContainmentAction::IsolateHost => "isolate_host",
            ContainmentAction::Notify => "notify",
        }
    }
}

impl fmt::Display for ContainmentAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ContainmentAction {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainmentPolicy {
    pub id: PolicyId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub enabled: bool,
    pub min_risk_score: f64,
    pub min_event_count: i64,
    pub action: ContainmentAction,
    /// JSON object text.
    pub action_params: String,
    /// Higher runs first.
    pub priority: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ContainmentPolicy {
    pub fn default_for(org: OrganizationId, now: DateTime<Utc>) -> Self {
        Self {
            id: PolicyId::generate(),
            organization_id: org,
            name: DEFAULT_POLICY_NAME.to_owned(),
            enabled: true,
            min_risk_score: DEFAULT_MIN_RISK,
            min_event_count: DEFAULT_MIN_EVENTS,
            action: ContainmentAction::BlockIp,
            action_params: format!("{{\"duration_seconds\":{DEFAULT_BLOCK_SECONDS}}}"),
            priority: 100,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn matches(&self, incident: &Incident) -> bool {
        self.enabled
            && incident.risk_score >= self.min_risk_score
            && incident.event_count >= self.min_event_count
    }

    /// Checks the fields a client sets.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        let name_chars = self.name.trim().chars().count();
        if name_chars == 0 || name_chars > MAX_NAME_CHARS || self.name.chars().any(char::is_control)
        {
            errors.add(
                "name",
                "must be 1-100 characters without control characters",
            );
        }
        if !(0.0..=1.0).contains(&self.min_risk_score) || self.min_risk_score.is_nan() {
            errors.add("min_risk_score", "must be between 0 and 1");
        }
        if self.min_event_count < 0 {
            errors.add("min_event_count", "must not be negative");
        }
        if self.action_params.len() > MAX_PARAMS_BYTES {
            errors.add("action_params", "must be at most 8 KiB");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The policies that fire for `incident`, highest priority first.
pub fn matching_policies<'a>(
    policies: &'a [ContainmentPolicy],
    incident: &Incident,
) -> Vec<&'a ContainmentPolicy> {
    let mut matching: Vec<_> = policies.iter().filter(|p| p.matches(incident)).collect();
    matching.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| a.name.cmp(&b.name))
    });
    matching
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStatus {
    /// Logged only (the `record` executor): the log is the hand-off.
    Recorded,
    /// Decided and handed to a delivery that has not finished yet (the `webhook` executor).
    Pending,
    Succeeded,
    Failed,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Recorded,
        ActionStatus::Pending,
        ActionStatus::Succeeded,
        ActionStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Recorded => "recorded",
            ActionStatus::Pending => "pending",
            ActionStatus::Succeeded => "succeeded",
            ActionStatus::Failed => "failed",
        }
    }
}

impl FromStr for ActionStatus {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionLog {
    pub id: ActionLogId,
    pub organization_id: OrganizationId,
    pub incident_id: IncidentId,
    pub policy_id: Option<PolicyId>,
    pub action: ContainmentAction,
    pub params: String,
    pub status: ActionStatus,
    pub executor: String,
    pub result: Option<String>,
    /// The analyst who asked for it; `None` when a policy did.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// What an executor reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    pub status: ActionStatus,
    pub result: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detection::{RuleKind, Severity, rule::Detection};

    fn incident(risk: f64, count: u32) -> Incident {
        let now = Utc::now();
        let d = Detection {
            rule: RuleKind::SshBruteForce,
            src_ip: "203.0.113.1".parse().unwrap(),
            title: "t".into(),
            severity: Severity::High,
            risk_score: risk,
            count,
        };
        Incident::open(OrganizationId::generate(), &d, now, now)
    }

    #[test]
    fn default_policy_fires_at_high_risk_and_ten_events() {
        let p = ContainmentPolicy::default_for(OrganizationId::generate(), Utc::now());
        assert!(p.validate().is_ok());
        assert!(p.matches(&incident(0.8, 10)));
        assert!(!p.matches(&incident(0.79, 50)));
        assert!(!p.matches(&incident(0.95, 9)));
        assert_eq!(p.action, ContainmentAction::BlockIp);
        assert!(p.action_params.contains("3600"));
    }

    #[test]
    fn matching_is_ordered_by_priority_and_skips_disabled() {
        let org = OrganizationId::generate();
        let now = Utc::now();
        let low = ContainmentPolicy {
            name: "low".into(),
            priority: 1,
            min_risk_score: 0.0,
            min_event_count: 0,
            ..ContainmentPolicy::default_for(org, now)
        };
        let high = ContainmentPolicy {
            name: "high".into(),
            priority: 9,
            ..low.clone()
        };
        let off = ContainmentPolicy {
            name: "off".into(),
            enabled: false,
            ..low.clone()
        };
        let policies = [low, high, off];
        let names: Vec<_> = matching_policies(&policies, &incident(0.5, 1))
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["high", "low"]);
    }

    #[test]
    fn validation() {
        let now = Utc::now();
        let bad = ContainmentPolicy {
            name: " ".into(),
            min_risk_score: 1.5,
            min_event_count: -1,
            ..ContainmentPolicy::default_for(OrganizationId::generate(), now)
        };
        let errors = bad.validate().unwrap_err().into_map();
        for f in ["name", "min_risk_score", "min_event_count"] {
            assert!(errors.contains_key(f), "{f}");
        }
        for a in ContainmentAction::ALL {
            assert_eq!(a.as_str().parse::<ContainmentAction>().unwrap(), a);
        }
        for s in ActionStatus::ALL {
            assert_eq!(s.as_str().parse::<ActionStatus>().unwrap(), s);
        }
    }
}
