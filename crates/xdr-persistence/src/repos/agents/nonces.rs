//! Nonces of signed agent requests: shared by every server instance through the database.

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::prelude::*;
use xdr_domain::ports::RepoResult;
use xdr_domain::{AgentId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::schema::{agent_nonces, agents};
use crate::time::to_db;

#[derive(Debug, Insertable)]
#[diesel(table_name = agent_nonces)]
struct NonceRow<'a> {
    agent_id: String,
    nonce: &'a str,
    organization_id: String,
    seen_at: chrono::NaiveDateTime,
}

/// Inside the caller's write transaction: forgets the agent's nonces seen before
/// `forget_before`, then records `nonce`. False when the agent used it already (a replay):
/// the insert does nothing on the primary key (agent, nonce). PostgreSQL makes a concurrent
/// insert of the same pair wait for the first and then do nothing. False too, with nothing
/// written, when the agent is not the organization's: another organization never takes up
/// (or learns about) an agent's nonces.
pub(super) fn record(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    nonce: &str,
    now: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> RepoResult<bool> {
    let own_agent = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::id.eq(agent.to_string()));
    let known: bool = diesel::select(exists(own_agent)).get_result(conn).repo()?;
    if !known {
        return Ok(false);
    }
    diesel::delete(
        agent_nonces::table
            .filter(agent_nonces::organization_id.eq(org.to_string()))
            .filter(agent_nonces::agent_id.eq(agent.to_string()))
            .filter(agent_nonces::seen_at.lt(to_db(forget_before))),
    )
    .execute(conn)
    .repo()?;
    let row = NonceRow {
        agent_id: agent.to_string(),
        nonce,
        organization_id: org.to_string(),
        seen_at: to_db(now),
    };
    let insert = diesel::insert_into(agent_nonces::table)
        .values(&row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        AnyConnection::Postgresql(pg) => insert.execute(pg),
        AnyConnection::Sqlite(lite) => insert.execute(lite),
    }
    .repo()?;
    Ok(inserted == 1)
}
