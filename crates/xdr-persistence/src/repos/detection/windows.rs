//! Detection windows as tallies (`xdr_domain::detection::window`): what each batch adds, what
//! the touched windows count, and pruning what no window can reach any more. Every statement is
//! bounded by the batch or by the window's length, never by the number of stored events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::upsert::excluded;
use xdr_domain::OrganizationId;
use xdr_domain::detection::{BatchTally, WindowKey};
use xdr_domain::ports::RepoResult;

use super::chunks::for_fixed_chunks;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::schema::{detection_distinct_values as values, detection_event_counts as counts};
use crate::time::to_db;

/// Rows per upsert statement (5 columns each: 2,500 binds at most, far below every backend's
/// limit), in fixed sizes so that each statement is prepared once per connection.
const UPSERT_CHUNKS: (usize, usize, usize) = (500, 50, 5);

#[derive(Insertable)]
#[diesel(table_name = counts, treat_none_as_default_value = false)]
struct CountRow {
    organization_id: String,
    rule: &'static str,
    src_ip: String,
    second: i64,
    events: i64,
}

#[derive(Insertable)]
#[diesel(table_name = values, treat_none_as_default_value = false)]
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
    // Multi-row upserts on both backends (diesel builds them for SQLite from rows without
    // optional columns).
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
            for_fixed_chunks!(count_rows, UPSERT_CHUNKS, |chunk| upsert_counts!(chunk)
                .execute(pg)
                .repo());
            for_fixed_chunks!(value_rows, UPSERT_CHUNKS, |chunk| upsert_values!(chunk)
                .execute(pg)
                .repo());
        }
        AnyConnection::Sqlite(lite) => {
            for_fixed_chunks!(count_rows, UPSERT_CHUNKS, |chunk| upsert_counts!(chunk)
                .execute(lite)
                .repo());
            for_fixed_chunks!(value_rows, UPSERT_CHUNKS, |chunk| upsert_values!(chunk)
                .execute(lite)
                .repo());
        }
    }
    Ok(())
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
