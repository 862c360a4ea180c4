//! Incidents: what detection opens and analysts work.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::detection::{Detection, RuleKind};
use super::severity::{IncidentStatus, Severity};
use crate::ids::{IncidentId, OrganizationId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: IncidentId,
    pub organization_id: OrganizationId,
    pub rule: RuleKind,
    pub title: String,
    pub src_ip: IpAddr,
    pub severity: Severity,
    pub risk_score: f64,
    pub status: IncidentStatus,
    pub event_count: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub assignee_id: Option<UserId>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Incident {
    /// A new open incident for a detection.
    pub fn open(
        org: OrganizationId,
        d: &Detection,
        first_seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: IncidentId::generate(),
            organization_id: org,
            rule: d.rule,
            title: d.title.clone(),
            src_ip: d.src_ip,
            severity: d.severity,
            risk_score: d.risk_score,
            status: IncidentStatus::Open,
            event_count: i64::from(d.count),
            first_seen_at: first_seen,
            last_seen_at: now,
            assignee_id: None,
            note: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// An open incident grows: more events attach, risk and severity never go down.
    pub fn grow(
        &mut self,
        d: &Detection,
        new_events: i64,
        last_seen: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        self.event_count += new_events;
        self.risk_score = self.risk_score.max(d.risk_score);
        self.severity = self.severity.max(d.severity);
        self.title = d.title.clone();
        self.last_seen_at = self.last_seen_at.max(last_seen);
        self.updated_at = now;
    }
}

/// Filters of `GET /incidents`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    pub src_ip: Option<IpAddr>,
}

/// Filters of `GET /events`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub event_type: Option<String>,
    pub src_ip: Option<IpAddr>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// An analyst's change to an incident.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentChange {
    pub status: Option<IncidentStatus>,
    /// `Some(None)` clears the assignee.
    pub assignee_id: Option<Option<UserId>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IncidentChangeOutcome {
    Updated(Incident),
    NotFound,
    /// The lifecycle does not allow this status change.
    InvalidTransition {
        from: IncidentStatus,
        to: IncidentStatus,
    },
    /// The assignee is not a member of the organization.
    UnknownAssignee,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security::detection::score;

    #[test]
    fn growing_never_lowers_risk_or_severity() {
        let now = Utc::now();
        let (severity, risk) = score(RuleKind::SshBruteForce, 20);
        let big = Detection {
            rule: RuleKind::SshBruteForce,
            src_ip: "203.0.113.1".parse().unwrap(),
            title: "t".into(),
            severity,
            risk_score: risk,
            count: 20,
        };
        let mut incident = Incident::open(OrganizationId::generate(), &big, now, now);
        let (severity, risk) = score(RuleKind::SshBruteForce, 6);
        let small = Detection {
            severity,
            risk_score: risk,
            count: 6,
            ..big.clone()
        };
        incident.grow(&small, 3, now, now);
        assert_eq!(incident.event_count, 23);
        assert_eq!(incident.severity, Severity::High);
        assert!((incident.risk_score - 0.8).abs() < 1e-9);
    }
}
