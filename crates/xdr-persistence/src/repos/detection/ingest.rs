//! Batch ingest with detection, in one transaction under the organization's lock: the events
//! are stored, each rule's window tallies updated (`windows`), what the touched windows count
//! and the incidents they may grow read in a few set-based statements, and the incident writes
//! that `xdr_domain::detection::batch` decides applied in bulk (`incidents_store`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use xdr_domain::detection::{
    self, BatchTally, EventFacts, FiredReadings, MAX_BATCH, NewEvent, RuleKind, RuleSettings,
    WindowKey, tally_batch,
};
use xdr_domain::ports::{IngestOutcome, RepoResult};
use xdr_domain::{AgentId, LogSourceId, OrganizationId};

use super::chunks::for_fixed_chunks;
use super::{incidents_store, rules, window_counts, windows};
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::EventRow;
use crate::schema::{events, organizations};

/// How much older than the longest window tallies are kept: events may claim to happen a
/// little in the future (clock skew), and their windows must still be complete.
const PRUNE_MARGIN: Duration = Duration::minutes(15);

/// Rows per INSERT statement: a whole batch of 1000 at most (13,000 binds, below SQLite's
/// 32,766 and PostgreSQL's 65,535). Statements of a fixed row count are prepared once per
/// connection and cached; one with a row count known only at run time would be parsed again on
/// every batch, while SQLite's write lock is held.
/// As few statements as possible: SQLite copies each page a statement changes to a statement
/// journal first, once per statement.
const CHUNKS: (usize, usize, usize) = (MAX_BATCH, 100, 10);

/// Serializes concurrent ingests of one organization on PostgreSQL (so two batches cannot
/// both open "the" incident of a rule and source IP) without blocking foreign-key checks:
/// `FOR NO KEY UPDATE` does not conflict with the `FOR KEY SHARE` those take. SQLite's
/// immediate transaction already serializes writers.
pub(crate) fn lock_organization(conn: &mut AnyConnection, org: OrganizationId) -> RepoResult<()> {
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

/// [`prepare`], the rows carrying the id of the agent that sent them (agent event batches).
pub(crate) fn prepare_from_agent(batch: &[NewEvent], agent: AgentId) -> PreparedBatch {
    let mut prepared = prepare(batch);
    let agent = agent.to_string();
    for row in &mut prepared.rows {
        row.agent_id = Some(agent.clone());
    }
    prepared
}

/// [`prepare`], the rows carrying the log source an ingest token fed them into (agentless
/// ingest).
pub(crate) fn prepare_from_source(batch: &[NewEvent], source: LogSourceId) -> PreparedBatch {
    let mut prepared = prepare(batch);
    let source = source.to_string();
    for row in &mut prepared.rows {
        row.log_source_id = Some(source.clone());
    }
    prepared
}

pub(crate) fn ingest(
    conn: &mut AnyConnection,
    org: OrganizationId,
    batch: &PreparedBatch,
    now: DateTime<Utc>,
) -> RepoResult<IngestOutcome> {
    lock_organization(conn, org)?;
    ingest_locked(conn, org, batch, now)
}

/// `ingest` in a transaction that already holds the organization's lock
/// ([`lock_organization`]), taken first because other rows of the same write (an agent's
/// nonce and batch) reference the organization.
pub(crate) fn ingest_locked(
    conn: &mut AnyConnection,
    org: OrganizationId,
    batch: &PreparedBatch,
    now: DateTime<Utc>,
) -> RepoResult<IngestOutcome> {
    let PreparedBatch { rows, tallies } = batch;
    insert_events(conn, rows)?;
    let settings: BTreeMap<RuleKind, RuleSettings> = rules::load(conn, org)?.into_iter().collect();
    windows::record(conn, org, tallies)?;
    // A constant number of set-based reads, whatever the number of windows the batch touched;
    // the decisions are the domain's.
    let counts = window_counts::counts(conn, org, &settings, tallies)?;
    let fired = detection::fired(&settings, tallies, &counts);
    let open = incidents_store::open_incidents(conn, org, fired.keys())?;
    let facts = incidents_store::window_facts(conn, org, &settings, &fired, &open, tallies)?;
    let read = FiredReadings {
        settings: &settings,
        tallies,
        open: &open,
        facts: &facts,
    };
    let writes = detection::plan(org, &fired, read, now);
    incidents_store::apply(conn, &writes)?;
    if let Some(longest) = settings.values().map(RuleSettings::window).max() {
        windows::prune(conn, org, now - longest - PRUNE_MARGIN)?;
    }
    Ok(IngestOutcome {
        accepted: rows.len(),
        incidents_opened: writes.opened.iter().map(|i| i.id).collect(),
        opened_rules: writes.opened.iter().map(|i| i.rule).collect(),
        incidents_updated: writes.grown.iter().map(|i| i.id).collect(),
    })
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
    for_fixed_chunks!(rows, CHUNKS, |chunk| insert_rows!(conn, chunk));
    Ok(())
}

fn facts_of(e: &NewEvent) -> EventFacts {
    EventFacts {
        event_type: e.event_type.clone(),
        dst_port: e.dst_port,
        username: e.username.clone(),
        occurred_at: e.occurred_at,
    }
}
