//! The incident side of ingest, set-based: the open incidents of every fired window, the stored
//! events the windows without one need (their first event), and the bulk writes of what the
//! domain decided (`xdr_domain::detection::batch`). A constant number of statements per batch,
//! whatever the number of source IPs.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use diesel::prelude::*;
use diesel::upsert::excluded;
use xdr_domain::OrganizationId;
use xdr_domain::detection::{
    BatchTally, Detection, EventFacts, Incident, IncidentStatus, IncidentWrites, RuleKind,
    RuleSettings, WindowKey,
};
use xdr_domain::ports::RepoResult;

use super::chunks::for_fixed_chunks;
use super::window_counts::IP_CHUNK;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{FACT_COLUMNS, INCIDENT_COLUMNS, IncidentRow, facts};
use crate::schema::{events, incidents};
use crate::time::to_db;

/// Incident rows per multi-row statement (15 columns each: 7,500 binds at most, far below
/// every backend's limit), in fixed sizes so that each statement is prepared once.
const INCIDENT_CHUNKS: (usize, usize, usize) = (500, 50, 5);

/// The open incident of each of `keys` that has one: one statement per rule and chunk of
/// source IPs.
pub(crate) fn open_incidents<'a>(
    conn: &mut AnyConnection,
    org: OrganizationId,
    keys: impl Iterator<Item = &'a WindowKey>,
) -> RepoResult<BTreeMap<WindowKey, Incident>> {
    let mut by_rule: BTreeMap<RuleKind, Vec<String>> = BTreeMap::new();
    for key in keys {
        by_rule
            .entry(key.rule)
            .or_default()
            .push(key.src_ip.to_string());
    }
    let mut open = BTreeMap::new();
    for (rule, ips) in by_rule {
        for chunk in ips.chunks(IP_CHUNK) {
            let rows: Vec<IncidentRow> = incidents::table
                .filter(incidents::organization_id.eq(org.to_string()))
                .filter(incidents::rule.eq(rule.as_str()))
                .filter(incidents::status.eq(IncidentStatus::Open.as_str()))
                .filter(incidents::src_ip.eq_any(chunk))
                .select(INCIDENT_COLUMNS)
                .load(conn)
                .repo()?;
            for row in rows {
                let incident = Incident::try_from(row)?;
                let key = WindowKey {
                    rule: incident.rule,
                    src_ip: incident.src_ip,
                };
                open.insert(key, incident);
            }
        }
    }
    Ok(open)
}

/// The stored events of every source IP whose fired windows have no open incident, over the
/// span of those windows: one statement per chunk of source IPs, through the (organization,
/// src_ip, occurred_at) index.
pub(crate) fn window_facts(
    conn: &mut AnyConnection,
    org: OrganizationId,
    settings: &BTreeMap<RuleKind, RuleSettings>,
    fired: &BTreeMap<WindowKey, Detection>,
    open: &BTreeMap<WindowKey, Incident>,
    tallies: &BTreeMap<WindowKey, BatchTally>,
) -> RepoResult<BTreeMap<IpAddr, Vec<EventFacts>>> {
    let mut span = None;
    let mut ips = BTreeSet::new();
    for key in fired.keys().filter(|k| !open.contains_key(k)) {
        let (Some(tally), Some(settings)) = (tallies.get(key), settings.get(&key.rule)) else {
            continue;
        };
        let (since, until) = (settings.window_start(tally.until), tally.until);
        span = Some(match span {
            None => (since, until),
            Some((s, u)) => (since.min(s), until.max(u)),
        });
        ips.insert(key.src_ip.to_string());
    }
    let mut facts_by_ip: BTreeMap<IpAddr, Vec<EventFacts>> = BTreeMap::new();
    let Some((since, until)) = span else {
        return Ok(facts_by_ip);
    };
    let ips: Vec<String> = ips.into_iter().collect();
    for chunk in ips.chunks(IP_CHUNK) {
        let rows: Vec<(String, _)> = events::table
            .filter(events::organization_id.eq(org.to_string()))
            .filter(events::src_ip.eq_any(chunk))
            .filter(events::occurred_at.gt(to_db(since)))
            .filter(events::occurred_at.le(to_db(until)))
            .select((events::src_ip, FACT_COLUMNS))
            .load(conn)
            .repo()?;
        for (ip, row) in rows {
            let ip: IpAddr = crate::models::parse_stored(&ip, "events.src_ip")?;
            facts_by_ip.entry(ip).or_default().push(facts(row)?);
        }
    }
    Ok(facts_by_ip)
}

/// Inserts the opened incidents and updates the grown ones, in bulk: multi-row statements of
/// fixed sizes on both backends. Growth is an upsert on the primary key whose rows all exist
/// (read under the organization's lock) and that sets only growth's columns: nothing an analyst
/// owns (status, assignee, note).
pub(crate) fn apply(conn: &mut AnyConnection, writes: &IncidentWrites) -> RepoResult<()> {
    let opened: Vec<IncidentRow> = writes.opened.iter().map(IncidentRow::from).collect();
    let grown: Vec<IncidentRow> = writes.grown.iter().map(IncidentRow::from).collect();
    macro_rules! open_and_grow {
        ($conn:expr) => {{
            for_fixed_chunks!(opened, INCIDENT_CHUNKS, |chunk| diesel::insert_into(
                incidents::table
            )
            .values(chunk)
            .execute($conn)
            .repo());
            for_fixed_chunks!(grown, INCIDENT_CHUNKS, |chunk| diesel::insert_into(
                incidents::table
            )
            .values(chunk)
            .on_conflict(incidents::id)
            .do_update()
            .set((
                incidents::title.eq(excluded(incidents::title)),
                incidents::severity.eq(excluded(incidents::severity)),
                incidents::risk_score.eq(excluded(incidents::risk_score)),
                incidents::event_count.eq(excluded(incidents::event_count)),
                incidents::last_seen_at.eq(excluded(incidents::last_seen_at)),
                incidents::updated_at.eq(excluded(incidents::updated_at)),
            ))
            .execute($conn)
            .repo());
        }};
    }
    match conn {
        AnyConnection::Postgresql(pg) => open_and_grow!(pg),
        AnyConnection::Sqlite(lite) => open_and_grow!(lite),
    }
    Ok(())
}
