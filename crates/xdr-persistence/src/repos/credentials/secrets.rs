//! Sealed secrets, one row per credential and field, each with the key version that sealed it.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use xdr_domain::credentials::{SealedLocation, SealedRecord, SealedSecrets, SecretField};
use xdr_domain::ports::RepoResult;
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{CredentialId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::models::{
    NewSecretRow, SEALED_RECORD_COLUMNS, SECRET_COLUMNS, SealedRecordRow, SecretRow, key_version,
    sealed_secrets,
};
use crate::schema::{credential_secrets, credentials};

pub(super) fn insert(
    conn: &mut AnyConnection,
    org: OrganizationId,
    credential: CredentialId,
    field: SecretField,
    sealed: &SealedSecret,
) -> RepoResult<()> {
    let row = NewSecretRow::new(&credential.to_string(), &org.to_string(), field, sealed);
    diesel::insert_into(credential_secrets::table)
        .values(row)
        .execute(conn)
        .repo()?;
    Ok(())
}

/// Stores `sealed` as the credential's `field`, replacing what was there.
pub(super) fn put(
    conn: &mut AnyConnection,
    org: OrganizationId,
    credential: CredentialId,
    field: SecretField,
    sealed: &SealedSecret,
) -> RepoResult<()> {
    let replaced = diesel::update(credential_secrets::table)
        .filter(credential_secrets::organization_id.eq(org.to_string()))
        .filter(credential_secrets::credential_id.eq(credential.to_string()))
        .filter(credential_secrets::field.eq(field.as_str()))
        .set((
            credential_secrets::sealed.eq(sealed.as_str()),
            credential_secrets::key_version.eq(i64::from(sealed.key_version())),
        ))
        .execute(conn)
        .repo()?;
    if replaced == 0 {
        insert(conn, org, credential, field, sealed)?;
    }
    Ok(())
}

/// The sealed secrets of the credentials `ids` of `org`, by credential id.
pub(super) fn for_credentials(
    conn: &mut AnyConnection,
    org: OrganizationId,
    ids: &[String],
) -> RepoResult<HashMap<String, SealedSecrets>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = credential_secrets::table
        .filter(credential_secrets::organization_id.eq(org.to_string()))
        .filter(credential_secrets::credential_id.eq_any(ids))
        .select(SECRET_COLUMNS)
        .load::<SecretRow>(conn)
        .repo()?;
    let mut grouped: HashMap<String, Vec<SecretRow>> = HashMap::new();
    for row in rows {
        grouped
            .entry(row.credential_id.clone())
            .or_default()
            .push(row);
    }
    grouped
        .into_iter()
        .map(|(id, rows)| Ok((id, sealed_secrets(rows)?)))
        .collect()
}

pub(super) fn list_stale(
    conn: &mut AnyConnection,
    active_version: u32,
    after: Option<SealedLocation>,
    limit: u32,
) -> RepoResult<Vec<SealedRecord>> {
    let mut query = credential_secrets::table
        .inner_join(credentials::table)
        .filter(credential_secrets::key_version.ne(i64::from(active_version)))
        .select(SEALED_RECORD_COLUMNS)
        .order((
            credential_secrets::credential_id.asc(),
            credential_secrets::field.asc(),
        ))
        .limit(i64::from(limit))
        .into_boxed();
    if let Some(after) = after {
        let id = after.credential_id.to_string();
        query = query.filter(
            credential_secrets::credential_id
                .gt(id.clone())
                .or(credential_secrets::credential_id
                    .eq(id)
                    .and(credential_secrets::field.gt(after.field.as_str()))),
        );
    }
    query
        .load::<SealedRecordRow>(conn)
        .repo()?
        .into_iter()
        .map(SealedRecord::try_from)
        .collect()
}

/// Compare-and-swap in one statement. PostgreSQL: a concurrent update of the row makes this
/// one wait, then re-check `sealed = current` against the committed row and change nothing.
pub(super) fn replace(
    conn: &mut AnyConnection,
    current: &SealedRecord,
    replacement: &SealedSecret,
) -> RepoResult<bool> {
    let replaced = diesel::update(credential_secrets::table)
        .filter(credential_secrets::organization_id.eq(current.organization_id.to_string()))
        .filter(credential_secrets::credential_id.eq(current.location.credential_id.to_string()))
        .filter(credential_secrets::field.eq(current.location.field.as_str()))
        .filter(credential_secrets::sealed.eq(current.sealed.as_str()))
        .set((
            credential_secrets::sealed.eq(replacement.as_str()),
            credential_secrets::key_version.eq(i64::from(replacement.key_version())),
        ))
        .execute(conn)
        .repo()?;
    Ok(replaced > 0)
}

pub(super) fn count_by_key_version(conn: &mut AnyConnection) -> RepoResult<BTreeMap<u32, u64>> {
    let counts = credential_secrets::table
        .group_by(credential_secrets::key_version)
        .select((credential_secrets::key_version, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .repo()?;
    counts
        .into_iter()
        .map(|(version, count)| {
            let count = u64::try_from(count).map_err(|e| corrupt("count", e))?;
            Ok((key_version(version)?, count))
        })
        .collect()
}
