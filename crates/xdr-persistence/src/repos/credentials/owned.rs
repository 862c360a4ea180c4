//! The owner's view: every query filters by organization and owner.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::credentials::{Credential, CredentialChanges, NewCredential, SecretField};
use xdr_domain::ports::RepoResult;
use xdr_domain::{CredentialId, OrganizationId, UserId};

use super::secrets;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::{CREDENTIAL_COLUMNS, CredentialChangeset, CredentialRow, NewCredentialRow};
use crate::schema::{credentials, users};
use crate::time::to_db;

/// Serializes changes to one owner's default. PostgreSQL: locks the owner's row until the
/// transaction ends, so two concurrent "make this my default" requests cannot both clear the
/// old default and then collide on the one-default index. SQLite: the immediate transaction
/// already holds the database's write lock.
fn lock_owner(conn: &mut AnyConnection, org: OrganizationId, owner: UserId) -> RepoResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        users::table
            .filter(users::organization_id.eq(org.to_string()))
            .filter(users::id.eq(owner.to_string()))
            .select(users::id)
            .for_update()
            .first::<String>(pg)
            .optional()
            .repo()?;
    }
    Ok(())
}

/// Clears the owner's default flag (on every credential but `keep`).
fn clear_default(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    keep: Option<CredentialId>,
) -> RepoResult<()> {
    // No credential has an empty id, so `id <> ''` keeps nothing.
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    diesel::update(credentials::table)
        .filter(credentials::organization_id.eq(org.to_string()))
        .filter(credentials::user_id.eq(owner.to_string()))
        .filter(credentials::is_default.eq(true))
        .filter(credentials::id.ne(keep))
        .set(credentials::is_default.eq(false))
        .execute(conn)
        .repo()?;
    Ok(())
}

/// Runs inside a write transaction.
pub(super) fn create(conn: &mut AnyConnection, new: &NewCredential) -> RepoResult<Credential> {
    lock_owner(conn, new.organization_id, new.user_id)?;
    if new.is_default {
        clear_default(conn, new.organization_id, new.user_id, None)?;
    }
    let row = diesel::insert_into(credentials::table)
        .values(NewCredentialRow::from(new))
        .returning(CREDENTIAL_COLUMNS)
        .get_result::<CredentialRow>(conn)
        .repo()?;
    for (field, sealed) in new.secrets.iter() {
        secrets::insert(conn, new.organization_id, new.id, field, sealed)?;
    }
    row.into_credential(new.secrets.clone())
}

pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    before: Option<CredentialId>,
    limit: u32,
) -> RepoResult<Vec<Credential>> {
    let mut query = credentials::table
        .filter(credentials::organization_id.eq(org.to_string()))
        .filter(credentials::user_id.eq(owner.to_string()))
        .select(CREDENTIAL_COLUMNS)
        // Ids are UUID v7: ordering by id is ordering by creation.
        .order(credentials::id.desc())
        .limit(i64::from(limit))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(credentials::id.lt(before.to_string()));
    }
    let rows = query.load::<CredentialRow>(conn).repo()?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut sealed = secrets::for_credentials(conn, org, &ids)?;
    rows.into_iter()
        .map(|row| {
            let secrets = sealed.remove(&row.id).unwrap_or_default();
            row.into_credential(secrets)
        })
        .collect()
}

pub(super) fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    id: CredentialId,
) -> RepoResult<Option<Credential>> {
    let row = credentials::table
        .filter(credentials::organization_id.eq(org.to_string()))
        .filter(credentials::user_id.eq(owner.to_string()))
        .filter(credentials::id.eq(id.to_string()))
        .select(CREDENTIAL_COLUMNS)
        .first::<CredentialRow>(conn)
        .optional()
        .repo()?;
    let Some(row) = row else { return Ok(None) };
    let mut sealed = secrets::for_credentials(conn, org, std::slice::from_ref(&row.id))?;
    let secrets = sealed.remove(&row.id).unwrap_or_default();
    row.into_credential(secrets).map(Some)
}

/// Runs inside a write transaction.
pub(super) fn update(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    id: CredentialId,
    changes: &CredentialChanges,
    now: DateTime<Utc>,
) -> RepoResult<Option<Credential>> {
    lock_owner(conn, org, owner)?;
    // Checked first, so that nothing (such as clearing the old default) happens for a
    // credential that is not the caller's.
    if get(conn, org, owner, id)?.is_none() {
        return Ok(None);
    }
    if changes.is_default == Some(true) {
        clear_default(conn, org, owner, Some(id))?;
    }
    diesel::update(credentials::table)
        .filter(credentials::organization_id.eq(org.to_string()))
        .filter(credentials::user_id.eq(owner.to_string()))
        .filter(credentials::id.eq(id.to_string()))
        .set(CredentialChangeset::new(changes, now))
        .execute(conn)
        .repo()?;
    if let Some(sealed) = &changes.secret_access_key {
        secrets::put(conn, org, id, SecretField::SecretAccessKey, sealed)?;
    }
    get(conn, org, owner, id)
}

pub(super) fn delete(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    id: CredentialId,
) -> RepoResult<bool> {
    // Its secrets go with it (ON DELETE CASCADE).
    let deleted = diesel::delete(
        credentials::table
            .filter(credentials::organization_id.eq(org.to_string()))
            .filter(credentials::user_id.eq(owner.to_string()))
            .filter(credentials::id.eq(id.to_string())),
    )
    .execute(conn)
    .repo()?;
    Ok(deleted > 0)
}

pub(super) fn touch_last_used(
    conn: &mut AnyConnection,
    org: OrganizationId,
    owner: UserId,
    id: CredentialId,
    now: DateTime<Utc>,
) -> RepoResult<bool> {
    let touched = diesel::update(credentials::table)
        .filter(credentials::organization_id.eq(org.to_string()))
        .filter(credentials::user_id.eq(owner.to_string()))
        .filter(credentials::id.eq(id.to_string()))
        .set(credentials::last_used_at.eq(to_db(now)))
        .execute(conn)
        .repo()?;
    Ok(touched > 0)
}
