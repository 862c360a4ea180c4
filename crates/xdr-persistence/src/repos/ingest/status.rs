//! A log source's ingest status: counted by every agentless request, in its own write.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::inventory::{IngestStatus, IngestTally};
use xdr_domain::ports::RepoResult;
use xdr_domain::{LogSourceId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::ingest::{StatusRow, ingest_status};
use crate::models::parse_stored;
use crate::schema::log_source_ingest;
use crate::time::to_db;

/// Adds the tally to the source's counters (the row is made by the first request); the last
/// error and last event time are kept when this request has none. Nothing is written when the
/// log source is gone (deleted since the token was checked).
const ADD_PG: &str = "INSERT INTO log_source_ingest \
    (log_source_id, organization_id, received, parsed, rejected, last_error, last_event_at) \
    SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS \
    (SELECT 1 FROM log_sources WHERE log_sources.id = $1 AND log_sources.organization_id = $2) \
    ON CONFLICT (log_source_id) DO UPDATE SET \
    received = log_source_ingest.received + EXCLUDED.received, \
    parsed = log_source_ingest.parsed + EXCLUDED.parsed, \
    rejected = log_source_ingest.rejected + EXCLUDED.rejected, \
    last_error = COALESCE(EXCLUDED.last_error, log_source_ingest.last_error), \
    last_event_at = COALESCE(EXCLUDED.last_event_at, log_source_ingest.last_event_at)";
const ADD_SQLITE: &str = "INSERT INTO log_source_ingest \
    (log_source_id, organization_id, received, parsed, rejected, last_error, last_event_at) \
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS \
    (SELECT 1 FROM log_sources WHERE log_sources.id = ?1 AND log_sources.organization_id = ?2) \
    ON CONFLICT (log_source_id) DO UPDATE SET \
    received = log_source_ingest.received + excluded.received, \
    parsed = log_source_ingest.parsed + excluded.parsed, \
    rejected = log_source_ingest.rejected + excluded.rejected, \
    last_error = COALESCE(excluded.last_error, log_source_ingest.last_error), \
    last_event_at = COALESCE(excluded.last_event_at, log_source_ingest.last_event_at)";

fn db_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) fn add(
    conn: &mut AnyConnection,
    org: OrganizationId,
    source: LogSourceId,
    tally: &IngestTally,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
    let sql = match conn {
        AnyConnection::Postgresql(_) => ADD_PG,
        AnyConnection::Sqlite(_) => ADD_SQLITE,
    };
    let last_event_at = (tally.parsed > 0).then(|| to_db(now));
    diesel::sql_query(sql)
        .bind::<Text, _>(source.to_string())
        .bind::<Text, _>(org.to_string())
        .bind::<BigInt, _>(db_count(tally.received))
        .bind::<BigInt, _>(db_count(tally.parsed))
        .bind::<BigInt, _>(db_count(tally.rejected))
        .bind::<Nullable<Text>, _>(tally.last_error.as_deref())
        .bind::<Nullable<Timestamp>, _>(last_event_at)
        .execute(conn)
        .repo()?;
    Ok(())
}

pub(super) fn of_sources(
    conn: &mut AnyConnection,
    org: OrganizationId,
    sources: &[LogSourceId],
) -> RepoResult<BTreeMap<LogSourceId, IngestStatus>> {
    if sources.is_empty() {
        return Ok(BTreeMap::new());
    }
    let ids: Vec<String> = sources.iter().map(ToString::to_string).collect();
    log_source_ingest::table
        .filter(log_source_ingest::organization_id.eq(org.to_string()))
        .filter(log_source_ingest::log_source_id.eq_any(ids))
        .select((
            log_source_ingest::log_source_id,
            log_source_ingest::received,
            log_source_ingest::parsed,
            log_source_ingest::rejected,
            log_source_ingest::last_error,
            log_source_ingest::last_event_at,
        ))
        .load::<StatusRow>(conn)
        .repo()?
        .into_iter()
        .map(|row| {
            let (id, status) = ingest_status(row)?;
            Ok((
                parse_stored(&id, "log_source_ingest.log_source_id")?,
                status,
            ))
        })
        .collect()
}
