//! `SecurityRepository`: events, incidents, detection settings and the dashboard.

mod dashboard;
mod ingest;
mod queries;
mod rules;
mod update;

use chrono::{DateTime, Utc};
use xdr_domain::ports::{IngestOutcome, RepoResult, SecurityRepository};
use xdr_domain::security::event::Event;
use xdr_domain::security::{
    DashboardSummary, EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
    NewEvent, RuleKind, RuleSettings,
};
use xdr_domain::{IncidentId, OrganizationId, PageRequest};

use crate::database::Database;
use crate::tx::write_transaction;

#[derive(Debug, Clone)]
pub struct SqlSecurityRepository {
    db: Database,
}

impl SqlSecurityRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl SecurityRepository for SqlSecurityRepository {
    fn ingest(
        &self,
        org: OrganizationId,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome> {
        let mut conn = self.db.conn()?;
        write_transaction(&mut conn, |c| ingest::ingest(c, org, events, now))
    }

    fn list_events(
        &self,
        org: OrganizationId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Event>> {
        queries::list_events(&mut *self.db.conn()?, org, filter, page)
    }

    fn list_incidents(
        &self,
        org: OrganizationId,
        filter: &IncidentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Incident>> {
        queries::list_incidents(&mut *self.db.conn()?, org, filter, page)
    }

    fn get_incident(&self, org: OrganizationId, id: IncidentId) -> RepoResult<Option<Incident>> {
        queries::get_incident(&mut *self.db.conn()?, org, id)
    }

    fn incident_events(
        &self,
        org: OrganizationId,
        incident: &Incident,
        limit: usize,
    ) -> RepoResult<Vec<Event>> {
        queries::incident_events(&mut *self.db.conn()?, org, incident, limit)
    }

    fn update_incident(
        &self,
        org: OrganizationId,
        id: IncidentId,
        change: &IncidentChange,
        now: DateTime<Utc>,
    ) -> RepoResult<IncidentChangeOutcome> {
        let mut conn = self.db.conn()?;
        write_transaction(&mut conn, |c| {
            update::update_incident(c, org, id, change, now)
        })
    }

    fn rule_settings(&self, org: OrganizationId) -> RepoResult<Vec<(RuleKind, RuleSettings)>> {
        rules::load(&mut *self.db.conn()?, org)
    }

    fn set_rule_settings(
        &self,
        org: OrganizationId,
        rule: RuleKind,
        settings: RuleSettings,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        let mut conn = self.db.conn()?;
        write_transaction(&mut conn, |c| rules::store(c, org, rule, settings, now))
    }

    fn dashboard(&self, org: OrganizationId, now: DateTime<Utc>) -> RepoResult<DashboardSummary> {
        dashboard::summary(&mut *self.db.conn()?, org, now)
    }
}
