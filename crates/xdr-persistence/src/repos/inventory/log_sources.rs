//! Log sources, always within one organization.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::inventory::{LogSource, LogSourceChange};
use xdr_domain::ports::RepoResult;
use xdr_domain::{LogSourceId, OrganizationId, PageRequest};

use super::limit;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{LOG_SOURCE_COLUMNS, LogSourceRow};
use crate::schema::log_sources;

pub(crate) fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    source: &LogSource,
) -> RepoResult<LogSource> {
    let row = LogSourceRow::new(org.to_string(), source);
    diesel::insert_into(log_sources::table)
        .values(&row)
        .execute(conn)
        .repo()?;
    LogSource::try_from(row)
}

pub(crate) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    page: &PageRequest,
) -> RepoResult<Vec<LogSource>> {
    let mut query = log_sources::table
        .filter(log_sources::organization_id.eq(org.to_string()))
        .select(LOG_SOURCE_COLUMNS)
        .order(log_sources::id.desc())
        .limit(limit(page.fetch_limit()))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(log_sources::id.lt(before.to_string()));
    }
    query
        .load::<LogSourceRow>(conn)
        .repo()?
        .into_iter()
        .map(LogSource::try_from)
        .collect()
}

pub(crate) fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: LogSourceId,
) -> RepoResult<Option<LogSource>> {
    log_sources::table
        .filter(log_sources::organization_id.eq(org.to_string()))
        .filter(log_sources::id.eq(id.to_string()))
        .select(LOG_SOURCE_COLUMNS)
        .first::<LogSourceRow>(conn)
        .optional()
        .repo()?
        .map(LogSource::try_from)
        .transpose()
}

/// Read, change and write back inside the caller's write transaction.
pub(crate) fn update(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: LogSourceId,
    change: &LogSourceChange,
    now: DateTime<Utc>,
) -> RepoResult<Option<LogSource>> {
    let Some(mut source) = get(conn, org, id)? else {
        return Ok(None);
    };
    change.apply(&mut source, now);
    let row = LogSourceRow::new(org.to_string(), &source);
    diesel::update(log_sources::table)
        .filter(log_sources::organization_id.eq(org.to_string()))
        .filter(log_sources::id.eq(id.to_string()))
        .set(&row)
        .execute(conn)
        .repo()?;
    LogSource::try_from(row).map(Some)
}

pub(crate) fn delete(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: LogSourceId,
) -> RepoResult<bool> {
    let deleted = diesel::delete(
        log_sources::table
            .filter(log_sources::organization_id.eq(org.to_string()))
            .filter(log_sources::id.eq(id.to_string())),
    )
    .execute(conn)
    .repo()?;
    Ok(deleted > 0)
}
