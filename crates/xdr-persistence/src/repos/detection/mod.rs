//! `DetectionRepository`: events, incidents, detection settings and the dashboard; and
//! `EventRetentionRepository` (`retention`).

mod chunks;
mod dashboard;
mod incidents_store;
pub(crate) mod ingest;
mod queries;
mod retention;
mod rules;
mod update;
mod window_counts;
mod windows;

use chrono::{DateTime, Utc};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{
    DashboardSummary, EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
    NewEvent, RuleKind, RuleSettings,
};
use xdr_domain::ports::{DetectionRepository, IngestOutcome, RepoResult};
use xdr_domain::{IncidentId, OrganizationId, PageRequest};

use crate::database::Database;

#[derive(Debug, Clone)]
pub struct SqlDetectionRepository {
    db: Database,
}

impl SqlDetectionRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl DetectionRepository for SqlDetectionRepository {
    fn ingest(
        &self,
        org: OrganizationId,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome> {
        let batch = ingest::prepare(&events);
        self.db
            .tenant_write(org, |c| ingest::ingest(c, org, &batch, now))
    }

    fn list_events(
        &self,
        org: OrganizationId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Event>> {
        self.db
            .tenant(org, |conn| queries::list_events(conn, org, filter, page))
    }

    fn list_incidents(
        &self,
        org: OrganizationId,
        filter: &IncidentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Incident>> {
        self.db
            .tenant(org, |conn| queries::list_incidents(conn, org, filter, page))
    }

    fn get_incident(&self, org: OrganizationId, id: IncidentId) -> RepoResult<Option<Incident>> {
        self.db
            .tenant(org, |conn| queries::get_incident(conn, org, id))
    }

    fn incident_events(
        &self,
        org: OrganizationId,
        incident: &Incident,
        limit: usize,
    ) -> RepoResult<Vec<Event>> {
        self.db.tenant(org, |conn| {
            queries::incident_events(conn, org, incident, limit)
        })
    }

    fn update_incident(
        &self,
        org: OrganizationId,
        id: IncidentId,
        change: &IncidentChange,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<IncidentChangeOutcome> {
        self.db.tenant_write(org, |c| {
            update::update_incident(c, org, id, change, now, &audit)
        })
    }

    fn rule_settings(&self, org: OrganizationId) -> RepoResult<Vec<(RuleKind, RuleSettings)>> {
        self.db.tenant(org, |conn| rules::load(conn, org))
    }

    fn set_rule_settings(
        &self,
        org: OrganizationId,
        rule: RuleKind,
        settings: RuleSettings,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        self.db
            .tenant_write(org, |c| rules::store(c, org, rule, settings, now))
    }

    fn dashboard(&self, org: OrganizationId, now: DateTime<Utc>) -> RepoResult<DashboardSummary> {
        self.db
            .tenant(org, |conn| dashboard::summary(conn, org, now))
    }
}
