//! Batch ingest with detection, in one transaction: the events are stored, each rule's window
//! tallies updated (`windows`), and only the windows the batch added to are evaluated.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::detection::{
    BatchTally, EventFacts, Incident, IncidentStatus, MAX_BATCH, NewEvent, RuleKind, RuleSettings,
    WindowKey, detect, tally_batch,
};
use xdr_domain::ports::{IngestOutcome, RepoResult};

use super::{rules, windows};
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{EventRow, FACT_COLUMNS, INCIDENT_COLUMNS, IncidentRow, facts};
use crate::schema::{events, incidents, organizations};
use crate::time::to_db;

/// How much older than the longest window tallies are kept: events may claim to happen a
/// little in the future (clock skew), and their windows must still be complete.
const PRUNE_MARGIN: Duration = Duration::minutes(15);

/// Rows per INSERT statement: a whole batch of 1000 at most (13,000 binds, below SQLite's
/// 32,766 and PostgreSQL's 65,535). Statements of a fixed row count are prepared once per
/// connection and cached; one with a row count known only at run time would be parsed again on
/// every batch (a 500-row INSERT took a tenth of SQLite's time under the write lock to parse).
/// As few statements as possible: SQLite copies each page a statement changes to a statement
/// journal first, once per statement.
const CHUNKS: (usize, usize, usize) = (MAX_BATCH, 100, 10);

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

/// A batch made ready for storage before the write transaction starts, so that the
/// transaction (one writer at a time on SQLite) does only database work.
pub(crate) struct PreparedBatch {
    rows: Vec<EventRow>,
    tallies: BTreeMap<WindowKey, BatchTally>,
}

pub(crate) fn prepare(batch: &[NewEvent]) -> PreparedBatch {
    let facts: Vec<(IpAddr, EventFacts)> = batch.iter().map(|e| (e.src_ip, facts_of(e))).collect();
    PreparedBatch {
        rows: batch.iter().map(EventRow::from).collect(),
        tallies: tally_batch(facts.iter().map(|(ip, f)| (*ip, f))),
    }
}

pub(crate) fn ingest(
    conn: &mut AnyConnection,
    org: OrganizationId,
    batch: &PreparedBatch,
    now: DateTime<Utc>,
) -> RepoResult<IngestOutcome> {
    lock_organization(conn, org)?;
    let PreparedBatch { rows, tallies } = batch;
    insert_events(conn, rows)?;
    let mut outcome = IngestOutcome {
        accepted: rows.len(),
        ..IngestOutcome::default()
    };
    let settings: BTreeMap<RuleKind, RuleSettings> = rules::load(conn, org)?.into_iter().collect();
    windows::record(conn, org, tallies)?;
    // Only the windows this batch added to can have changed.
    for (key, tally) in tallies {
        let Some(settings) = settings.get(&key.rule).filter(|s| s.enabled) else {
            continue;
        };
        let count = windows::count(conn, org, key, settings, tally.until)?;
        let Some(detection) = detect(key.rule, settings, key.src_ip, count) else {
            continue;
        };
        match open_incident(conn, org, key.rule, key.src_ip)? {
            Some(mut incident) => {
                incident.grow(&detection, tally.added, tally.until, now);
                diesel::update(incidents::table.find(incident.id.to_string()))
                    .set(&IncidentRow::from(&incident))
                    .execute(conn)
                    .repo()?;
                outcome.incidents_updated.push(incident.id);
            }
            None => {
                let first_seen = first_seen(conn, org, key, settings, tally.until)?;
                let incident = Incident::open(org, &detection, first_seen, now);
                diesel::insert_into(incidents::table)
                    .values(&IncidentRow::from(&incident))
                    .execute(conn)
                    .repo()?;
                outcome.incidents_opened.push(incident.id);
            }
        }
    }
    if let Some(longest) = settings.values().map(RuleSettings::window).max() {
        windows::prune(conn, org, now - longest - PRUNE_MARGIN)?;
    }
    Ok(outcome)
}

/// Multi-row INSERTs are backend-specific in diesel (not in the multi-backend DSL).
macro_rules! insert_rows {
    ($conn:expr, $rows:expr) => {{
        let insert = diesel::insert_into(events::table).values($rows);
        match $conn {
            AnyConnection::Postgresql(pg) => insert.execute(pg),
            AnyConnection::Sqlite(lite) => insert.execute(lite),
        }
        .repo()
    }};
}

/// Stores the rows in statements of 1000, 100, 10, then 1 row: four cached statements cover
/// every batch size.
fn insert_events(conn: &mut AnyConnection, rows: &[EventRow]) -> RepoResult<()> {
    let (whole, rest) = rows.as_chunks::<{ CHUNKS.0 }>();
    for chunk in whole {
        insert_rows!(conn, chunk)?;
    }
    let (large, rest) = rest.as_chunks::<{ CHUNKS.1 }>();
    for chunk in large {
        insert_rows!(conn, chunk)?;
    }
    let (small, rest) = rest.as_chunks::<{ CHUNKS.2 }>();
    for chunk in small {
        insert_rows!(conn, chunk)?;
    }
    for row in rest {
        insert_rows!(conn, row)?;
    }
    Ok(())
}

/// The first matching event of a window that just reached its threshold. Read from the events
/// (through the source IP index) once per incident, when it opens.
fn first_seen(
    conn: &mut AnyConnection,
    org: OrganizationId,
    key: &WindowKey,
    settings: &RuleSettings,
    until: DateTime<Utc>,
) -> RepoResult<DateTime<Utc>> {
    let since = settings.window_start(until);
    Ok(window_facts(conn, org, key.src_ip, since, until)?
        .iter()
        .filter(|f| f.relevant_to(key.rule))
        .map(|f| f.occurred_at)
        .min()
        .unwrap_or(until))
}

fn facts_of(e: &NewEvent) -> EventFacts {
    EventFacts {
        event_type: e.event_type.clone(),
        dst_port: e.dst_port,
        username: e.username.clone(),
        occurred_at: e.occurred_at,
    }
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
