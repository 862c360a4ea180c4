//! Role and active-flag changes, guarded so that an organization keeps an active admin.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::identity::{AccessChange, AccessChangeOutcome, RevocationReason, Role, User};
use xdr_domain::ports::RepoResult;
use xdr_domain::{OrganizationId, UserId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{USER_COLUMNS, UserRow};
use crate::schema::{sessions, users};
use crate::time::to_db;

/// Ids of the organization's active admins, locked until the transaction ends on PostgreSQL
/// (two admins demoting each other at once cannot both pass). SQLite's immediate transaction
/// already serializes writers.
fn lock_active_admins(conn: &mut AnyConnection, org: OrganizationId) -> QueryResult<Vec<String>> {
    let query = users::table
        .filter(users::organization_id.eq(org.to_string()))
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::is_active.eq(true))
        .select(users::id);
    match conn {
        AnyConnection::Postgresql(pg) => query.for_update().load(pg),
        AnyConnection::Sqlite(lite) => query.load(lite),
    }
}

/// Applies `change` inside the caller's write transaction.
pub(crate) fn apply(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: UserId,
    change: AccessChange,
    now: DateTime<Utc>,
) -> RepoResult<AccessChangeOutcome> {
    let found = users::table
        .filter(users::organization_id.eq(org.to_string()))
        .filter(users::id.eq(id.to_string()))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)
        .optional()
        .repo()?;
    let Some(user) = found.map(User::try_from).transpose()? else {
        return Ok(AccessChangeOutcome::NotFound);
    };
    if change.removes_active_admin(&user) {
        let admins = lock_active_admins(conn, org).repo()?;
        let user_id = id.to_string();
        if !admins.iter().any(|a| *a != user_id) {
            return Ok(AccessChangeOutcome::LastAdmin);
        }
    }
    let (role, is_active) = change.applied_to(&user);
    let updated: User = diesel::update(users::table)
        .filter(users::organization_id.eq(org.to_string()))
        .filter(users::id.eq(id.to_string()))
        .set((
            users::role.eq(role.as_str()),
            users::is_active.eq(is_active),
            users::updated_at.eq(to_db(now)),
        ))
        .returning(USER_COLUMNS)
        .get_result::<UserRow>(conn)
        .repo()?
        .try_into()?;
    if change.ends_sessions(&user) {
        diesel::update(sessions::table)
            .filter(sessions::organization_id.eq(org.to_string()))
            .filter(sessions::user_id.eq(id.to_string()))
            .filter(sessions::revoked_at.is_null())
            .set((
                sessions::revoked_at.eq(to_db(now)),
                sessions::revoked_reason.eq(RevocationReason::AccountChanged.as_str()),
            ))
            .execute(conn)
            .repo()?;
    }
    Ok(AccessChangeOutcome::Updated(updated))
}
