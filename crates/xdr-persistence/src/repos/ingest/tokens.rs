//! Ingest tokens, stored by their secret's hash, which no read selects.

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::inventory::{IngestSource, IngestToken};
use xdr_domain::ports::RepoResult;
use xdr_domain::{IngestTokenId, LogSourceId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::ingest::{
    INGEST_TOKEN_COLUMNS, IngestTokenRow, NewIngestTokenRow, SourceRow, ingest_source,
};
use crate::repos::audit::{append_in_tx, same_organization};
use crate::schema::{ingest_tokens, log_sources};
use crate::time::to_db;

pub(super) fn source_exists(
    conn: &mut AnyConnection,
    org: OrganizationId,
    source: LogSourceId,
) -> RepoResult<bool> {
    let own = log_sources::table
        .filter(log_sources::organization_id.eq(org.to_string()))
        .filter(log_sources::id.eq(source.to_string()));
    diesel::select(exists(own)).get_result(conn).repo()
}

pub(super) fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    token: &IngestToken,
    token_hash: &str,
    audit: &NewAuditEntry,
) -> RepoResult<bool> {
    same_organization(org, audit)?;
    if !source_exists(conn, org, token.log_source_id)? {
        return Ok(false);
    }
    diesel::insert_into(ingest_tokens::table)
        .values(NewIngestTokenRow::new(org.to_string(), token, token_hash))
        .execute(conn)
        .repo()?;
    append_in_tx(conn, audit, token.created_at)?;
    Ok(true)
}

pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    source: LogSourceId,
) -> RepoResult<Option<Vec<IngestToken>>> {
    if !source_exists(conn, org, source)? {
        return Ok(None);
    }
    ingest_tokens::table
        .filter(ingest_tokens::organization_id.eq(org.to_string()))
        .filter(ingest_tokens::log_source_id.eq(source.to_string()))
        .select(INGEST_TOKEN_COLUMNS)
        .order(ingest_tokens::id.desc())
        .load::<IngestTokenRow>(conn)
        .repo()?
        .into_iter()
        .map(IngestToken::try_from)
        .collect::<RepoResult<Vec<_>>>()
        .map(Some)
}

/// Revokes a token of `source` not revoked yet, and audits that.
pub(super) fn revoke(
    conn: &mut AnyConnection,
    org: OrganizationId,
    source: LogSourceId,
    id: IngestTokenId,
    now: DateTime<Utc>,
    audit: &NewAuditEntry,
) -> RepoResult<bool> {
    same_organization(org, audit)?;
    let revoked = diesel::update(ingest_tokens::table)
        .filter(ingest_tokens::organization_id.eq(org.to_string()))
        .filter(ingest_tokens::log_source_id.eq(source.to_string()))
        .filter(ingest_tokens::id.eq(id.to_string()))
        .filter(ingest_tokens::revoked_at.is_null())
        .set(ingest_tokens::revoked_at.eq(to_db(now)))
        .execute(conn)
        .repo()?;
    if revoked > 0 {
        append_in_tx(conn, audit, now)?;
    }
    Ok(revoked > 0)
}

/// Across organizations: the token with this hash, joined with its log source.
pub(super) fn find(conn: &mut AnyConnection, token_hash: &str) -> RepoResult<Option<IngestSource>> {
    ingest_tokens::table
        .inner_join(log_sources::table)
        .filter(ingest_tokens::token_hash.eq(token_hash))
        .select((
            ingest_tokens::organization_id,
            ingest_tokens::log_source_id,
            ingest_tokens::id,
            log_sources::source_type,
            log_sources::enabled,
            ingest_tokens::expires_at,
            ingest_tokens::revoked_at,
        ))
        .first::<SourceRow>(conn)
        .optional()
        .repo()?
        .map(ingest_source)
        .transpose()
}

/// Marks the token used at `now` (inside the request's write).
pub(super) fn touch(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: IngestTokenId,
    now: DateTime<Utc>,
) -> RepoResult<()> {
    diesel::update(ingest_tokens::table)
        .filter(ingest_tokens::organization_id.eq(org.to_string()))
        .filter(ingest_tokens::id.eq(id.to_string()))
        .set(ingest_tokens::last_used_at.eq(to_db(now)))
        .execute(conn)
        .repo()?;
    Ok(())
}
