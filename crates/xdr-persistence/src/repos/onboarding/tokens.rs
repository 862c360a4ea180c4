//! Enrollment tokens, stored by their secret's hash, which no read selects.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::onboarding::EnrollmentToken;
use xdr_domain::ports::RepoResult;
use xdr_domain::{EnrollmentTokenId, OrganizationId, PageRequest};

use super::limit;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::onboarding::{NewTokenRow, TOKEN_COLUMNS, TokenRow};
use crate::repos::audit::append_in_tx;
use crate::schema::enrollment_tokens;
use crate::time::to_db;

pub(super) fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    token: &EnrollmentToken,
    token_hash: &str,
    audit: &NewAuditEntry,
) -> RepoResult<()> {
    diesel::insert_into(enrollment_tokens::table)
        .values(NewTokenRow::new(org.to_string(), token, token_hash))
        .execute(conn)
        .repo()?;
    append_in_tx(conn, audit, token.created_at)?;
    Ok(())
}

fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: EnrollmentTokenId,
) -> RepoResult<Option<EnrollmentToken>> {
    enrollment_tokens::table
        .filter(enrollment_tokens::organization_id.eq(org.to_string()))
        .filter(enrollment_tokens::id.eq(id.to_string()))
        .select(TOKEN_COLUMNS)
        .first::<TokenRow>(conn)
        .optional()
        .repo()?
        .map(EnrollmentToken::try_from)
        .transpose()
}

pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    page: &PageRequest,
) -> RepoResult<Vec<EnrollmentToken>> {
    let mut query = enrollment_tokens::table
        .filter(enrollment_tokens::organization_id.eq(org.to_string()))
        .select(TOKEN_COLUMNS)
        .order(enrollment_tokens::id.desc())
        .limit(limit(page))
        .into_boxed();
    if let Some(before) = page.before {
        query = query.filter(enrollment_tokens::id.lt(before.to_string()));
    }
    query
        .load::<TokenRow>(conn)
        .repo()?
        .into_iter()
        .map(EnrollmentToken::try_from)
        .collect()
}

/// Revokes a token not revoked yet, and audits that; a revoked token comes back unchanged.
pub(super) fn revoke(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: EnrollmentTokenId,
    now: DateTime<Utc>,
    audit: &NewAuditEntry,
) -> RepoResult<Option<EnrollmentToken>> {
    let revoked = diesel::update(enrollment_tokens::table)
        .filter(enrollment_tokens::organization_id.eq(org.to_string()))
        .filter(enrollment_tokens::id.eq(id.to_string()))
        .filter(enrollment_tokens::revoked_at.is_null())
        .set(enrollment_tokens::revoked_at.eq(to_db(now)))
        .execute(conn)
        .repo()?;
    if revoked > 0 {
        append_in_tx(conn, audit, now)?;
    }
    get(conn, org, id)
}
