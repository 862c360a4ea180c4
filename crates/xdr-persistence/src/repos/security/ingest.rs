//! Batch ingest with detection, in one transaction.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::ports::{IngestOutcome, RepoResult};
use xdr_domain::security::{EventFacts, Incident, IncidentStatus, NewEvent, RuleKind, evaluate};

use super::rules;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{EventRow, FACT_COLUMNS, INCIDENT_COLUMNS, IncidentRow, facts};
use crate::schema::{events, incidents, organizations};
use crate::time::to_db;

/// Rows per INSERT statement (13 columns each stays far below every backend's bind limit).
const INSERT_CHUNK: usize = 500;

/// Serializes concurrent ingests of one organization on PostgreSQL (so two batches cannot
/// both open "the" incident of a rule and source IP) without blocking foreign-key checks:
/// `FOR NO KEY UPDATE` does not conflict with the `FOR KEY SHARE` those take. SQLite's
/// immediate transaction already serializes writers.
fn lock_organization(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<()> {
    let query = organizations::table
        .find(org.to_string())
        .select(organizations::id);
    match conn {
        AnyConnection::Postgresql(pg) => query.for_no_key_update().first::<String>(pg),
        AnyConnection::Sqlite(lite) => query.first::<String>(lite),
    }
    .repo()?;
    Ok(())
}

pub(crate) fn ingest(
    conn: &mut AnyConnection,
    org: OrganizationId,
    batch: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> RepoResult<IngestOutcome> {
    lock_organization(conn, org)?;
    let rows: Vec<EventRow> = batch.iter().map(EventRow::from).collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        // Multi-row INSERTs are backend-specific in diesel (not in the multi-backend DSL).
        let insert = diesel::insert_into(events::table).values(chunk);
        match conn {
            AnyConnection::Postgresql(pg) => insert.execute(pg),
            AnyConnection::Sqlite(lite) => insert.execute(lite),
        }
        .repo()?;
    }
    let mut outcome = IngestOutcome {
        accepted: batch.len(),
        ..IngestOutcome::default()
    };
    let enabled: Vec<_> = rules::load(conn, org)?
        .into_iter()
        .filter(|(_, s)| s.enabled)
        .collect();
    let Some(max_window) = enabled.iter().map(|(_, s)| s.window()).max() else {
        return Ok(outcome);
    };
    for (src_ip, batch_events) in by_source(&batch) {
        let until = batch_events
            .iter()
            .map(|e| e.occurred_at)
            .max()
            .unwrap_or(now);
        let window = window_facts(conn, org, src_ip, until - max_window, until)?;
        for (rule, settings) in &enabled {
            let Some(detection) = evaluate(*rule, settings, src_ip, &window, until) else {
                continue;
            };
            let new_in_batch = batch_events
                .iter()
                .filter(|e| facts_of(e).relevant_to(*rule))
                .count();
            let first_seen = window
                .iter()
                .filter(|f| f.relevant_to(*rule) && f.occurred_at > until - settings.window())
                .map(|f| f.occurred_at)
                .min()
                .unwrap_or(until);
            match open_incident(conn, org, *rule, src_ip)? {
                Some(mut incident) => {
                    let added = i64::try_from(new_in_batch).unwrap_or(i64::MAX);
                    incident.grow(&detection, added, until, now);
                    diesel::update(incidents::table.find(incident.id.to_string()))
                        .set(&IncidentRow::from(&incident))
                        .execute(conn)
                        .repo()?;
                    outcome.incidents_updated.push(incident.id);
                }
                None => {
                    let incident = Incident::open(org, &detection, first_seen, now);
                    diesel::insert_into(incidents::table)
                        .values(&IncidentRow::from(&incident))
                        .execute(conn)
                        .repo()?;
                    outcome.incidents_opened.push(incident.id);
                }
            }
        }
    }
    Ok(outcome)
}

fn facts_of(e: &NewEvent) -> EventFacts {
    EventFacts {
        event_type: e.event_type.clone(),
        dst_port: e.dst_port,
        username: e.username.clone(),
        occurred_at: e.occurred_at,
    }
}

fn by_source(batch: &[NewEvent]) -> BTreeMap<IpAddr, Vec<&NewEvent>> {
    let mut map: BTreeMap<IpAddr, Vec<&NewEvent>> = BTreeMap::new();
    for e in batch {
        map.entry(e.src_ip).or_default().push(e);
    }
    map
}

/// The source IP's events in `(since, until]`, through the (organization, src_ip, occurred_at)
/// index: detection never rescans history.
fn window_facts(
    conn: &mut AnyConnection,
    org: OrganizationId,
    src_ip: IpAddr,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> RepoResult<Vec<EventFacts>> {
    events::table
        .filter(events::organization_id.eq(org.to_string()))
        .filter(events::src_ip.eq(src_ip.to_string()))
        .filter(events::occurred_at.gt(to_db(since)))
        .filter(events::occurred_at.le(to_db(until)))
        .select(FACT_COLUMNS)
        .load(conn)
        .repo()?
        .into_iter()
        .map(facts)
        .collect()
}

fn open_incident(
    conn: &mut AnyConnection,
    org: OrganizationId,
    rule: RuleKind,
    src_ip: IpAddr,
) -> RepoResult<Option<Incident>> {
    incidents::table
        .filter(incidents::organization_id.eq(org.to_string()))
        .filter(incidents::rule.eq(rule.as_str()))
        .filter(incidents::src_ip.eq(src_ip.to_string()))
        .filter(incidents::status.eq(IncidentStatus::Open.as_str()))
        .select(INCIDENT_COLUMNS)
        .first::<IncidentRow>(conn)
        .optional()
        .repo()?
        .map(Incident::try_from)
        .transpose()
}
