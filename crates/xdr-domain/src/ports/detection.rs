//! Events, incidents and detection settings.

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::detection::event::Event;
use crate::detection::{
    DashboardSummary, EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
    NewEvent, RuleKind, RuleSettings,
};
use crate::ids::{IncidentId, OrganizationId};
use crate::pagination::PageRequest;

use super::RepoResult;

/// What one ingested batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    pub accepted: usize,
    pub incidents_opened: Vec<IncidentId>,
    /// The rule of each opened incident, in the order of `incidents_opened`.
    pub opened_rules: Vec<RuleKind>,
    pub incidents_updated: Vec<IncidentId>,
}

/// Events, incidents and detection settings of an organization.
pub trait DetectionRepository: Send + Sync {
    /// In one transaction under the organization's lock: stores the batch, records what it adds
    /// to each rule's window tallies, reads what the touched windows count and the open
    /// incidents they may grow (set-based: a constant number of statements per batch), and
    /// applies what `detection::fired` and `detection::plan` decide: one open incident per
    /// (rule, source IP), opened or grown. Nothing is stored on error.
    fn ingest(
        &self,
        org: OrganizationId,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome>;

    fn list_events(
        &self,
        org: OrganizationId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Event>>;

    fn list_incidents(
        &self,
        org: OrganizationId,
        filter: &IncidentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Incident>>;

    fn get_incident(&self, org: OrganizationId, id: IncidentId) -> RepoResult<Option<Incident>>;

    /// The latest `limit` events of the incident's source IP since it was first seen.
    fn incident_events(
        &self,
        org: OrganizationId,
        incident: &Incident,
        limit: usize,
    ) -> RepoResult<Vec<Event>>;

    /// An analyst's change, decided by `Incident::apply` on the stored incident under the
    /// organization's lock (so that no ingest grows what was read as open meanwhile); writes
    /// only what an analyst owns (status, assignee, note), never the counts growth writes, and
    /// `audit` (its resource set to the incident) in the same transaction when it applies.
    fn update_incident(
        &self,
        org: OrganizationId,
        id: IncidentId,
        change: &IncidentChange,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<IncidentChangeOutcome>;

    /// Every built-in rule with the organization's settings (defaults where none are stored).
    fn rule_settings(&self, org: OrganizationId) -> RepoResult<Vec<(RuleKind, RuleSettings)>>;

    fn set_rule_settings(
        &self,
        org: OrganizationId,
        rule: RuleKind,
        settings: RuleSettings,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;

    fn dashboard(&self, org: OrganizationId, now: DateTime<Utc>) -> RepoResult<DashboardSummary>;
}
