//! Nonces of signed agent requests: shared by every server instance through the database.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::ports::RepoResult;
use xdr_domain::{AgentId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::schema::agent_nonces;
use crate::time::to_db;

/// One statement: a new (agent, nonce) pair is inserted; a pair seen before `forget_before`
/// is taken up again (its timestamp was refused long ago, so this is a new request that chose
/// the same nonce); a pair seen since is left alone, and nothing is counted: a replay. Nothing
/// is written either when the agent is not the organization's (the `EXISTS`). SQLite needs the
/// `WHERE` of an `INSERT ... SELECT` to read the `ON CONFLICT` that follows as an upsert.
const RECORD_PG: &str = "INSERT INTO agent_nonces (agent_id, nonce, organization_id, seen_at) \
    SELECT $1, $2, $3, $4 WHERE EXISTS \
    (SELECT 1 FROM agents WHERE agents.id = $1 AND agents.organization_id = $3) \
    ON CONFLICT (agent_id, nonce) DO UPDATE SET seen_at = EXCLUDED.seen_at \
    WHERE agent_nonces.seen_at < $5";
const RECORD_SQLITE: &str = "INSERT INTO agent_nonces (agent_id, nonce, organization_id, seen_at) \
    SELECT ?1, ?2, ?3, ?4 WHERE EXISTS \
    (SELECT 1 FROM agents WHERE agents.id = ?1 AND agents.organization_id = ?3) \
    ON CONFLICT (agent_id, nonce) DO UPDATE SET seen_at = excluded.seen_at \
    WHERE agent_nonces.seen_at < ?5";

/// Inside the caller's write transaction: records `nonce` for `agent`, forgetting a use of
/// it before `forget_before`. False when the agent used it since (a replay). PostgreSQL makes
/// a concurrent insert of the same pair wait for the first and then do nothing. False too,
/// with nothing written, when the agent is not the organization's: another organization
/// never takes up (or learns about) an agent's nonces. Old rows of every agent are removed
/// by `prune` (a periodic sweep), not by requests.
pub(super) fn record(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    nonce: &str,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> RepoResult<bool> {
    use diesel::sql_types::{Text, Timestamp};
    let sql = match conn {
        AnyConnection::Postgresql(_) => RECORD_PG,
        AnyConnection::Sqlite(_) => RECORD_SQLITE,
    };
    let written = diesel::sql_query(sql)
        .bind::<Text, _>(agent.to_string())
        .bind::<Text, _>(nonce)
        .bind::<Text, _>(org.to_string())
        .bind::<Timestamp, _>(to_db(now))
        .bind::<Timestamp, _>(to_db(forget_before))
        .execute(conn)
        .repo()?;
    Ok(written == 1)
}

/// Across organizations: removes the nonces seen before `before` (no request that old is
/// accepted any more; run every minute, each sweep removes about a minute of them). Returns
/// how many.
pub(super) fn prune(conn: &mut AnyConnection, before: DateTime<Utc>) -> RepoResult<u64> {
    let removed =
        diesel::delete(agent_nonces::table.filter(agent_nonces::seen_at.lt(to_db(before))))
            .execute(conn)
            .repo()?;
    Ok(u64::try_from(removed).unwrap_or(u64::MAX))
}
