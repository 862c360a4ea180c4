//! What the touched windows count now (`xdr_domain::detection::window`): a constant number of
//! statements per batch, whatever the number of windows it touched.
//!
//! Event-counting rules sum their per-second tallies in the database, each window within its
//! own bounds: the keys and bounds go in as one JSON bind that the statement joins on (SQLite
//! `json_each`, PostgreSQL `jsonb_to_recordset`), so a window spanning 60 seconds returns one
//! row, not 60. (`CROSS JOIN` makes SQLite loop over the keys and seek each one's tallies by
//! primary key; with a plain join it scanned all of the rule's tallies once per key.)
//! Distinct-value rules read their keys' values (few: pruned past the longest
//! window) and count them here.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use xdr_domain::OrganizationId;
use xdr_domain::detection::{BatchTally, RuleKind, RuleSettings, WindowKey};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::schema::detection_distinct_values as values;
use crate::time::to_db;

/// Source IPs per statement of the distinct-value reads (one bind each: far below every
/// backend's bind limit).
pub(crate) const IP_CHUNK: usize = 1000;

const SQLITE_EVENT_TOTALS: &str = "\
SELECT c.src_ip AS src_ip, SUM(c.events) AS total \
FROM json_each(?) AS k \
CROSS JOIN detection_event_counts AS c \
  ON c.organization_id = ? AND c.rule = ? AND c.src_ip = k.value ->> 'ip' \
 AND c.second BETWEEN k.value ->> 'first' AND k.value ->> 'last' \
GROUP BY c.src_ip";

const POSTGRES_EVENT_TOTALS: &str = "\
SELECT c.src_ip AS src_ip, CAST(SUM(c.events) AS BIGINT) AS total \
FROM jsonb_to_recordset(CAST($1 AS JSONB)) AS k (ip TEXT, first BIGINT, last BIGINT) \
JOIN detection_event_counts AS c \
  ON c.organization_id = $2 AND c.rule = $3 AND c.src_ip = k.ip \
 AND c.second BETWEEN k.first AND k.last \
GROUP BY c.src_ip";

#[derive(QueryableByName)]
struct KeyTotal {
    #[diesel(sql_type = Text)]
    src_ip: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// What every touched window of an enabled rule counts now.
pub(crate) fn counts(
    conn: &mut AnyConnection,
    org: OrganizationId,
    settings: &BTreeMap<RuleKind, RuleSettings>,
    tallies: &BTreeMap<WindowKey, BatchTally>,
) -> RepoResult<BTreeMap<WindowKey, u32>> {
    let org = org.to_string();
    let mut totals: BTreeMap<WindowKey, i64> = BTreeMap::new();
    for (rule, settings) in settings.iter().filter(|(_, s)| s.enabled) {
        let keys: BTreeMap<String, (&WindowKey, &BatchTally)> = tallies
            .iter()
            .filter(|(k, _)| k.rule == *rule)
            .map(|(k, t)| (k.src_ip.to_string(), (k, t)))
            .collect();
        if keys.is_empty() {
            continue;
        }
        if rule.counts_distinct_values() {
            distinct_values(conn, &org, *rule, settings, &keys, &mut totals)?;
        } else {
            event_totals(conn, &org, *rule, settings, &keys, &mut totals)?;
        }
    }
    Ok(totals
        .into_iter()
        .map(|(k, n)| (k, u32::try_from(n.max(0)).unwrap_or(u32::MAX)))
        .collect())
}

/// The events each key's window counts, summed by the database: one statement for all keys.
fn event_totals(
    conn: &mut AnyConnection,
    org: &str,
    rule: RuleKind,
    settings: &RuleSettings,
    keys: &BTreeMap<String, (&WindowKey, &BatchTally)>,
    totals: &mut BTreeMap<WindowKey, i64>,
) -> RepoResult<()> {
    let bounds: Vec<serde_json::Value> = keys
        .iter()
        .map(|(ip, (_, tally))| {
            let (first, last) = settings.window_seconds_ending(tally.until);
            serde_json::json!({ "ip": ip, "first": first, "last": last })
        })
        .collect();
    let bounds = serde_json::Value::Array(bounds).to_string();
    let sql = match conn {
        AnyConnection::Postgresql(_) => POSTGRES_EVENT_TOTALS,
        AnyConnection::Sqlite(_) => SQLITE_EVENT_TOTALS,
    };
    let rows: Vec<KeyTotal> = diesel::sql_query(sql)
        .bind::<Text, _>(bounds)
        .bind::<Text, _>(org)
        .bind::<Text, _>(rule.as_str())
        .load(conn)
        .repo()?;
    for row in rows {
        if let Some((key, _)) = keys.get(&row.src_ip) {
            *totals.entry(**key).or_insert(0) += row.total;
        }
    }
    Ok(())
}

/// The distinct values each key's window counts: one statement per chunk of keys.
fn distinct_values(
    conn: &mut AnyConnection,
    org: &str,
    rule: RuleKind,
    settings: &RuleSettings,
    keys: &BTreeMap<String, (&WindowKey, &BatchTally)>,
    totals: &mut BTreeMap<WindowKey, i64>,
) -> RepoResult<()> {
    let ips: Vec<&String> = keys.keys().collect();
    for chunk in ips.chunks(IP_CHUNK) {
        // No condition on `last_seen_at` in SQL: with one, SQLite's planner prefers the
        // pruning index (organization, last_seen_at) over the primary key.
        let rows: Vec<(String, chrono::NaiveDateTime)> = values::table
            .filter(values::organization_id.eq(org))
            .filter(values::rule.eq(rule.as_str()))
            .filter(values::src_ip.eq_any(chunk))
            .select((values::src_ip, values::last_seen_at))
            .load(conn)
            .repo()?;
        for (ip, seen) in rows {
            let Some((key, tally)) = keys.get(&ip) else {
                continue;
            };
            if seen > to_db(settings.window_start(tally.until)) {
                *totals.entry(**key).or_insert(0) += 1;
            }
        }
    }
    Ok(())
}
