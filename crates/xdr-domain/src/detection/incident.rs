//! Incidents: what detection opens and analysts work.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::rule::{Detection, RuleKind};
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

/// Why an analyst's change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeRefused {
    /// The lifecycle does not allow this status change.
    InvalidTransition {
        from: IncidentStatus,
        to: IncidentStatus,
    },
    /// The assignee is not a member of the organization.
    UnknownAssignee,
}

impl Incident {
    /// Applies an analyst's change: a status change must follow the lifecycle, a new assignee
    /// must be a member (`assignee_is_member`, as storage found it), a note replaces the old
    /// one. Refused changes leave the incident as it was.
    pub fn apply(
        &mut self,
        change: &IncidentChange,
        assignee_is_member: bool,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeRefused> {
        if let Some(to) = change.status
            && to != self.status
            && !self.status.can_become(to)
        {
            return Err(ChangeRefused::InvalidTransition {
                from: self.status,
                to,
            });
        }
        if let Some(Some(_)) = change.assignee_id
            && !assignee_is_member
        {
            return Err(ChangeRefused::UnknownAssignee);
        }
        if let Some(to) = change.status {
            self.status = to;
        }
        if let Some(assignee) = change.assignee_id {
            self.assignee_id = assignee;
        }
        if let Some(note) = &change.note {
            self.note = Some(note.clone());
        }
        self.updated_at = now;
        Ok(())
    }
}

impl IncidentChange {
    /// The member this change assigns the incident to, whose membership storage must check.
    pub fn new_assignee(&self) -> Option<UserId> {
        self.assignee_id.flatten()
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
    use crate::detection::rule::score;

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

    fn incident() -> Incident {
        let now = Utc::now();
        let (severity, risk_score) = score(RuleKind::SshBruteForce, 6);
        let d = Detection {
            rule: RuleKind::SshBruteForce,
            src_ip: "203.0.113.1".parse().unwrap(),
            title: "t".into(),
            severity,
            risk_score,
            count: 6,
        };
        Incident::open(OrganizationId::generate(), &d, now, now)
    }

    #[test]
    fn a_change_sets_status_assignee_and_note_together() {
        let mut i = incident();
        let later = i.updated_at + chrono::Duration::seconds(5);
        let user = UserId::generate();
        let change = IncidentChange {
            status: Some(IncidentStatus::Contained),
            assignee_id: Some(Some(user)),
            note: Some("looking".into()),
        };
        assert_eq!(change.new_assignee(), Some(user));
        i.apply(&change, true, later).unwrap();
        assert_eq!(i.status, IncidentStatus::Contained);
        assert_eq!(i.assignee_id, Some(user));
        assert_eq!(i.note.as_deref(), Some("looking"));
        assert_eq!(i.updated_at, later);
        let clear = IncidentChange {
            assignee_id: Some(None),
            ..IncidentChange::default()
        };
        assert_eq!(clear.new_assignee(), None);
        i.apply(&clear, false, later).unwrap();
        assert_eq!(i.assignee_id, None);
    }

    #[test]
    fn a_refused_change_leaves_the_incident_as_it_was() {
        let mut i = incident();
        i.status = IncidentStatus::Resolved;
        let before = i.clone();
        let reopen = IncidentChange {
            status: Some(IncidentStatus::Open),
            note: Some("n".into()),
            ..IncidentChange::default()
        };
        assert!(!IncidentStatus::Resolved.can_become(IncidentStatus::Open));
        assert_eq!(
            i.apply(&reopen, true, Utc::now()),
            Err(ChangeRefused::InvalidTransition {
                from: IncidentStatus::Resolved,
                to: IncidentStatus::Open
            })
        );
        assert_eq!(i, before);
        let stranger = IncidentChange {
            assignee_id: Some(Some(UserId::generate())),
            note: Some("n".into()),
            ..IncidentChange::default()
        };
        assert_eq!(
            i.apply(&stranger, false, Utc::now()),
            Err(ChangeRefused::UnknownAssignee)
        );
        assert_eq!(i, before);
        // The same status again is no transition at all.
        let same = IncidentChange {
            status: Some(IncidentStatus::Resolved),
            ..IncidentChange::default()
        };
        assert!(i.apply(&same, false, Utc::now()).is_ok());
    }
}
