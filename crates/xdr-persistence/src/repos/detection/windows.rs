//! Detection windows as tallies (`xdr_domain::detection::window`): what each batch adds, the
//! count of one window, and pruning what no window can reach any more. Every statement is
//! bounded by the batch or by the window's length, never by the number of stored events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::upsert::excluded;
use xdr_domain::OrganizationId;
use xdr_domain::detection::{BatchTally, RuleSettings, WindowKey};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::schema::{detection_distinct_values as values, detection_event_counts as counts};
use crate::time::to_db;

/// Rows per upsert statement (5 columns each: far below every backend's bind limit).
const UPSERT_CHUNK: usize = 500;

#[derive(Insertable)]
#[diesel(table_name = counts)]
struct CountRow {
    organization_id: String,
    rule: &'static str,
    src_ip: String,
    second: i64,
    events: i64,
}

#[derive(Insertable)]
#[diesel(table_name = values)]
struct ValueRow {
    organization_id: String,
    rule: &'static str,
    src_ip: String,
    value: String,
    last_seen_at: chrono::NaiveDateTime,
}

/// Adds a batch's tallies: counts per second are summed, a value keeps its newest occurrence.
pub(crate) fn record(
    conn: &mut AnyConnection,
    org: OrganizationId,
    tallies: &BTreeMap<WindowKey, BatchTally>,
) -> RepoResult<()> {
    let org = org.to_string();
    let mut count_rows = Vec::new();
    let mut value_rows = Vec::new();
    for (key, tally) in tallies {
        let src_ip = key.src_ip.to_string();
        count_rows.extend(tally.per_second.iter().map(|(second, n)| CountRow {
            organization_id: org.clone(),
            rule: key.rule.as_str(),
            src_ip: src_ip.clone(),
            second: *second,
            events: *n,
        }));
        value_rows.extend(tally.values.iter().map(|(value, at)| ValueRow {
            organization_id: org.clone(),
            rule: key.rule.as_str(),
            src_ip: src_ip.clone(),
            value: value.clone(),
            last_seen_at: to_db(*at),
        }));
    }
    // diesel has no multi-row upsert for SQLite: one statement per row there (prepared once and
    // cached), multi-row statements on PostgreSQL.
    macro_rules! upsert_counts {
        ($values:expr) => {
            diesel::insert_into(counts::table)
                .values($values)
                .on_conflict((
                    counts::organization_id,
                    counts::rule,
                    counts::src_ip,
                    counts::second,
                ))
                .do_update()
                .set(counts::events.eq(counts::events + excluded(counts::events)))
        };
    }
    macro_rules! upsert_values {
        ($values:expr) => {
            diesel::insert_into(values::table)
                .values($values)
                .on_conflict((
                    values::organization_id,
                    values::rule,
                    values::src_ip,
                    values::value,
                ))
                .do_update()
                .set(
                    values::last_seen_at.eq(case_when(
                        excluded(values::last_seen_at).gt(values::last_seen_at),
                        excluded(values::last_seen_at),
                    )
                    .otherwise(values::last_seen_at)),
                )
        };
    }
    match conn {
        AnyConnection::Postgresql(pg) => {
            for chunk in count_rows.chunks(UPSERT_CHUNK) {
                upsert_counts!(chunk).execute(pg).repo()?;
            }
            for chunk in value_rows.chunks(UPSERT_CHUNK) {
                upsert_values!(chunk).execute(pg).repo()?;
            }
        }
        AnyConnection::Sqlite(lite) => {
            for row in &count_rows {
                upsert_counts!(row).execute(lite).repo()?;
            }
            for row in &value_rows {
                upsert_values!(row).execute(lite).repo()?;
            }
        }
    }
    Ok(())
}

/// What the rule of `key` counts in its window ending at `until`.
pub(crate) fn count(
    conn: &mut AnyConnection,
    org: OrganizationId,
    key: &WindowKey,
    settings: &RuleSettings,
    until: DateTime<Utc>,
) -> RepoResult<u32> {
    let (org, rule, src_ip) = (org.to_string(), key.rule.as_str(), key.src_ip.to_string());
    let n: i64 = if key.rule.counts_distinct_values() {
        // No condition on `last_seen_at` in SQL: with one, SQLite's planner prefers the pruning
        // index (organization, last_seen_at) and scans every recent value of the organization.
        // The key's values are few (pruned past the longest window), so the primary key reads
        // them all and they are counted here.
        let since = to_db(settings.window_start(until));
        let seen: Vec<chrono::NaiveDateTime> = values::table
            .filter(values::organization_id.eq(org))
            .filter(values::rule.eq(rule))
            .filter(values::src_ip.eq(src_ip))
            .select(values::last_seen_at)
            .load(conn)
            .repo()?;
        i64::try_from(seen.into_iter().filter(|at| *at > since).count()).unwrap_or(i64::MAX)
    } else {
        let (first, last) = settings.window_seconds_ending(until);
        counts::table
            .filter(counts::organization_id.eq(org))
            .filter(counts::rule.eq(rule))
            .filter(counts::src_ip.eq(src_ip))
            .filter(counts::second.between(first, last))
            .select(counts::events)
            .load::<i64>(conn)
            .repo()?
            .into_iter()
            .sum()
    };
    Ok(u32::try_from(n.max(0)).unwrap_or(u32::MAX))
}

/// Drops the tallies of `org` no window can reach: older than `before`.
pub(crate) fn prune(
    conn: &mut AnyConnection,
    org: OrganizationId,
    before: DateTime<Utc>,
) -> RepoResult<()> {
    let org = org.to_string();
    diesel::delete(
        counts::table
            .filter(counts::organization_id.eq(&org))
            .filter(counts::second.lt(before.timestamp())),
    )
    .execute(conn)
    .repo()?;
    diesel::delete(
        values::table
            .filter(values::organization_id.eq(&org))
            .filter(values::last_seen_at.lt(to_db(before))),
    )
    .execute(conn)
    .repo()?;
    Ok(())
}
