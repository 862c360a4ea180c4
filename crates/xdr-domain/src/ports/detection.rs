//! Events, incidents and detection settings.

use chrono::{DateTime, Utc};

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
    pub incidents_updated: Vec<IncidentId>,
}

/// Events, incidents and detection settings of an organization.
pub trait DetectionRepository: Send + Sync {
    /// In one transaction: stores the batch, then for each source IP in it evaluates the
    /// organization's enabled rules over that IP's window (read through an index) and opens or
    /// grows the one open incident per (rule, source IP). Nothing is stored on error.
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

    fn update_incident(
        &self,
        org: OrganizationId,
        id: IncidentId,
        change: &IncidentChange,
        now: DateTime<Utc>,
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
