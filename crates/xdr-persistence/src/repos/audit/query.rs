//! Filtered, newest-first pages of one organization's entries (keyset paging on `seq`).

use diesel::prelude::*;
use xdr_domain::OrganizationId;
use xdr_domain::audit::{AuditCursor, AuditEntry, AuditFilter, AuditPage};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{AUDIT_COLUMNS, AuditRow};
use crate::schema::audit_logs;
use crate::time::to_db;

pub(crate) fn page(
    conn: &mut AnyConnection,
    org: OrganizationId,
    filter: &AuditFilter,
    cursor: Option<AuditCursor>,
    limit: usize,
) -> RepoResult<AuditPage> {
    let mut query = audit_logs::table
        .filter(audit_logs::organization_id.eq(org.to_string()))
        .select(AUDIT_COLUMNS)
        .into_boxed();
    if let Some(action) = filter.action {
        query = query.filter(audit_logs::action.eq(action.as_str()));
    }
    if let Some(actor) = filter.actor_id {
        query = query.filter(audit_logs::actor_id.eq(actor.to_string()));
    }
    if let Some(resource_type) = &filter.resource_type {
        query = query.filter(audit_logs::resource_type.eq(resource_type.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_logs::created_at.ge(to_db(since)));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_logs::created_at.lt(to_db(until)));
    }
    if let Some(cursor) = cursor {
        query = query.filter(audit_logs::seq.lt(cursor.before_seq));
    }
    let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
    let rows = query
        .order(audit_logs::seq.desc())
        .limit(fetch)
        .load::<AuditRow>(conn)
        .repo()?;
    let items = rows
        .into_iter()
        .map(AuditEntry::try_from)
        .collect::<RepoResult<Vec<_>>>()?;
    Ok(AuditPage::from_rows(items, limit))
}
