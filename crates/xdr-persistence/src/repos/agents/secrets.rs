//! Agent secrets, sealed by the vault: set at enrollment, rotated with an overlap, and
//! counted per key version.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::ports::RepoResult;
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{AgentId, OrganizationId};

use super::queries;
use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::models::agent::{AgentSecretRow, sealed_key_version};
use crate::repos::audit::append_in_tx;
use crate::schema::agent_secrets;
use crate::time::to_db;
use xdr_domain::agents::AgentState;

/// Makes `secret` the agent's only secret (any previous one is dropped).
pub(super) fn replace(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    secret: &SealedSecret,
) -> RepoResult<()> {
    diesel::delete(
        agent_secrets::table
            .filter(agent_secrets::organization_id.eq(org.to_string()))
            .filter(agent_secrets::agent_id.eq(agent.to_string())),
    )
    .execute(conn)
    .repo()?;
    diesel::insert_into(agent_secrets::table)
        .values(AgentSecretRow::new(org, agent, secret))
        .execute(conn)
        .repo()?;
    Ok(())
}

/// Inside the caller's write transaction: the active agent's secret becomes `secret`, the one
/// it replaces is kept as the previous one until `previous_until`, and `audit` is appended.
/// False (nothing written) when the agent is missing or not active.
pub(super) fn rotate(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    secret: &SealedSecret,
    previous_until: DateTime<Utc>,
    audit: &NewAuditEntry,
) -> RepoResult<bool> {
    let active = queries::lock(conn, org, agent)?
        .is_some_and(|row| row.state == AgentState::Active.as_str());
    if !active {
        return Ok(false);
    }
    // The right-hand sides read the row as it was before the update, on both backends.
    let rotated = diesel::update(
        agent_secrets::table
            .filter(agent_secrets::organization_id.eq(org.to_string()))
            .filter(agent_secrets::agent_id.eq(agent.to_string())),
    )
    .set((
        agent_secrets::previous_sealed.eq(agent_secrets::sealed.nullable()),
        agent_secrets::previous_until.eq(Some(to_db(previous_until))),
        agent_secrets::sealed.eq(secret.as_str()),
        agent_secrets::key_version.eq(i64::from(secret.key_version())),
    ))
    .execute(conn)
    .repo()?;
    if rotated == 0 {
        return Ok(false);
    }
    append_in_tx(conn, audit, Utc::now())?;
    Ok(true)
}

/// Across organizations (`CrossTenant::VaultKeyVersions`): how many current and previous
/// secrets each key version sealed. A previous secret's version is read from its sealed text.
pub(super) fn count_by_key_version(conn: &mut AnyConnection) -> RepoResult<BTreeMap<u32, u64>> {
    let current = agent_secrets::table
        .group_by(agent_secrets::key_version)
        .select((agent_secrets::key_version, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)
        .repo()?;
    let mut counts = BTreeMap::new();
    for (version, count) in current {
        let version =
            u32::try_from(version).map_err(|e| corrupt("agent_secrets.key_version", e))?;
        let count = u64::try_from(count).map_err(|e| corrupt("count", e))?;
        *counts.entry(version).or_insert(0) += count;
    }
    let previous = agent_secrets::table
        .filter(agent_secrets::previous_sealed.is_not_null())
        .select(agent_secrets::previous_sealed)
        .load::<Option<String>>(conn)
        .repo()?;
    for sealed in previous.iter().flatten() {
        let version = sealed_key_version(sealed, "agent_secrets.previous_sealed")?;
        *counts.entry(version).or_insert(0) += 1;
    }
    Ok(counts)
}
