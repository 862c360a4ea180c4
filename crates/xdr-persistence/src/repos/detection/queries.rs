//! Reading events and incidents, always within one organization.

use diesel::prelude::*;
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{EventFilter, Incident, IncidentFilter};
use xdr_domain::ports::RepoResult;
use xdr_domain::{IncidentId, OrganizationId, PageRequest};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{EVENT_COLUMNS, EventRow, INCIDENT_COLUMNS, IncidentRow};
use crate::schema::{events, incidents};
use crate::time::to_db;

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn list_events(
    conn: &mut AnyConnection,
    org: OrganizationId,
    filter: &EventFilter,
    page: &PageRequest,
) -> RepoResult<Vec<Event>> {
    let mut query = events::table
        .filter(events::organization_id.eq(org.to_string()))
        .select(EVENT_COLUMNS)
        .order(events::id.desc())
        .limit(limit(page.fetch_limit()))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(events::id.lt(before.to_string()));
    }
    if let Some(t) = &filter.event_type {
        query = query.filter(events::event_type.eq(t.clone()));
    }
    if let Some(ip) = filter.src_ip {
        query = query.filter(events::src_ip.eq(ip.to_string()));
    }
    if let Some(since) = filter.since {
        query = query.filter(events::occurred_at.ge(to_db(since)));
    }
    if let Some(until) = filter.until {
        query = query.filter(events::occurred_at.lt(to_db(until)));
    }
    query
        .load::<EventRow>(conn)
        .repo()?
        .into_iter()
        .map(Event::try_from)
        .collect()
}

pub(crate) fn list_incidents(
    conn: &mut AnyConnection,
    org: OrganizationId,
    filter: &IncidentFilter,
    page: &PageRequest,
) -> RepoResult<Vec<Incident>> {
    let mut query = incidents::table
        .filter(incidents::organization_id.eq(org.to_string()))
        .select(INCIDENT_COLUMNS)
        .order(incidents::id.desc())
        .limit(limit(page.fetch_limit()))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(incidents::id.lt(before.to_string()));
    }
    if let Some(status) = filter.status {
        query = query.filter(incidents::status.eq(status.as_str()));
    }
    if let Some(severity) = filter.severity {
        query = query.filter(incidents::severity.eq(severity.as_str()));
    }
    if let Some(ip) = filter.src_ip {
        query = query.filter(incidents::src_ip.eq(ip.to_string()));
    }
    query
        .load::<IncidentRow>(conn)
        .repo()?
        .into_iter()
        .map(Incident::try_from)
        .collect()
}

pub(crate) fn get_incident(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: IncidentId,
) -> RepoResult<Option<Incident>> {
    incidents::table
        .filter(incidents::organization_id.eq(org.to_string()))
        .filter(incidents::id.eq(id.to_string()))
        .select(INCIDENT_COLUMNS)
        .first::<IncidentRow>(conn)
        .optional()
        .repo()?
        .map(Incident::try_from)
        .transpose()
}

pub(crate) fn incident_events(
    conn: &mut AnyConnection,
    org: OrganizationId,
    incident: &Incident,
    max: usize,
) -> RepoResult<Vec<Event>> {
    events::table
        .filter(events::organization_id.eq(org.to_string()))
        .filter(events::src_ip.eq(incident.src_ip.to_string()))
        .filter(events::occurred_at.ge(to_db(incident.first_seen_at)))
        .select(EVENT_COLUMNS)
        .order(events::occurred_at.desc())
        .limit(limit(max))
        .load::<EventRow>(conn)
        .repo()?
        .into_iter()
        .map(Event::try_from)
        .collect()
}
