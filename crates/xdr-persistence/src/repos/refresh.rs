//! Refresh-token rotation with reuse detection, as one compare-and-swap.
//!
//! Runs inside a write transaction. The rotation is a conditional `UPDATE ... WHERE
//! refresh_token_hash = presented AND active`: on SQLite the immediate transaction serializes it;
//! on PostgreSQL a second concurrent `UPDATE` waits for the first one's row lock, then re-checks
//! its condition against the committed row, finds the hash changed and updates nothing, and its
//! next statement (a fresh snapshot) sees `presented` among the retired hashes: reuse.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::identity::{RefreshOutcome, RevocationReason, Session, TokenHash};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{RetiredTokenRow, SESSION_COLUMNS, SessionRow};
use crate::schema::{retired_refresh_tokens, sessions};
use crate::time::to_db;

pub(crate) fn rotate(
    conn: &mut AnyConnection,
    presented: &TokenHash,
    replacement: &TokenHash,
    now: DateTime<Utc>,
) -> RepoResult<RefreshOutcome> {
    let at = to_db(now);
    let rotated = diesel::update(sessions::table)
        .filter(sessions::refresh_token_hash.eq(presented.as_str()))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(at))
        .set((
            sessions::refresh_token_hash.eq(replacement.as_str()),
            sessions::generation.eq(sessions::generation + 1),
            sessions::last_used_at.eq(at),
        ))
        .returning(SESSION_COLUMNS)
        .get_result::<SessionRow>(conn)
        .optional()
        .repo()?;
    if let Some(row) = rotated {
        let session = Session::try_from(row)?;
        diesel::insert_into(retired_refresh_tokens::table)
            .values(RetiredTokenRow {
                token_hash: presented.as_str().to_owned(),
                session_id: session.id.to_string(),
                organization_id: session.organization_id.to_string(),
                retired_at: at,
            })
            .execute(conn)
            .repo()?;
        return Ok(RefreshOutcome::Rotated(session));
    }

    let current = sessions::table
        .filter(sessions::refresh_token_hash.eq(presented.as_str()))
        .select(sessions::id)
        .first::<String>(conn)
        .optional()
        .repo()?;
    if current.is_some() {
        // The current token of a revoked or expired session.
        return Ok(RefreshOutcome::Inactive);
    }

    let retired = retired_refresh_tokens::table
        .find(presented.as_str())
        .first::<RetiredTokenRow>(conn)
        .optional()
        .repo()?;
    let Some(retired) = retired else {
        return Ok(RefreshOutcome::Unknown);
    };
    revoke_family(conn, &retired, now)
}

/// A rotated-away token came back: someone holds a copy. End the session (once).
fn revoke_family(
    conn: &mut AnyConnection,
    retired: &RetiredTokenRow,
    now: DateTime<Utc>,
) -> RepoResult<RefreshOutcome> {
    let family = sessions::table
        .filter(sessions::organization_id.eq(&retired.organization_id))
        .filter(sessions::id.eq(&retired.session_id));
    diesel::update(family.filter(sessions::revoked_at.is_null()))
        .set((
            sessions::revoked_at.eq(to_db(now)),
            sessions::revoked_reason.eq(RevocationReason::RefreshReuse.as_str()),
        ))
        .execute(conn)
        .repo()?;
    let row = family
        .select(SESSION_COLUMNS)
        .first::<SessionRow>(conn)
        .optional()
        .repo()?;
    match row {
        Some(row) => Ok(RefreshOutcome::ReuseDetected(Session::try_from(row)?)),
        // Cascades keep retired tokens from outliving their session; be safe anyway.
        None => Ok(RefreshOutcome::Unknown),
    }
}
