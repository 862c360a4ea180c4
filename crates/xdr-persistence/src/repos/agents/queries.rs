//! Reads of agents and of the tokens they redeem. Every tenant read filters by organization.

use diesel::dsl::{self, exists};
use diesel::prelude::*;
use uuid::Uuid;
use xdr_domain::agents::Agent;
use xdr_domain::onboarding::EnrollmentToken;
use xdr_domain::ports::{AgentCredentials, AgentFilter, RepoResult};
use xdr_domain::{AgentId, OrganizationId, PageRequest};

use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::agent::{AGENT_COLUMNS, AGENT_SECRET_COLUMNS, AgentRow, AgentSecretRow};
use crate::models::onboarding::{TOKEN_COLUMNS, TokenRow};
use crate::models::parse_stored;
use crate::schema::{agent_secrets, agents, enrollment_tokens};

/// The organization's agent `id`, as the target of an update.
pub(super) type ThisAgent = dsl::Filter<
    dsl::Filter<agents::table, dsl::Eq<agents::organization_id, String>>,
    dsl::Eq<agents::id, String>,
>;

pub(super) fn this_agent(org: OrganizationId, id: AgentId) -> ThisAgent {
    agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::id.eq(id.to_string()))
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) fn get(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
) -> RepoResult<Option<Agent>> {
    agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::id.eq(id.to_string()))
        .select(AGENT_COLUMNS)
        .first::<AgentRow>(conn)
        .optional()
        .repo()?
        .map(Agent::try_from)
        .transpose()
}

/// The row of the organization's agent `id`, locked until the transaction ends (PostgreSQL
/// `FOR NO KEY UPDATE`, which leaves the foreign-key checks of its nonces and batches alone;
/// SQLite's immediate transaction holds the write lock already).
pub(super) fn lock(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
) -> RepoResult<Option<AgentRow>> {
    let query = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::id.eq(id.to_string()))
        .select(AGENT_COLUMNS);
    match conn {
        AnyConnection::Postgresql(pg) => query.for_no_key_update().first::<AgentRow>(pg),
        AnyConnection::Sqlite(lite) => query.first::<AgentRow>(lite),
    }
    .optional()
    .repo()
}

/// [`lock`], by the instance id the agent generated.
pub(super) fn lock_by_instance(
    conn: &mut AnyConnection,
    org: OrganizationId,
    instance_id: Uuid,
) -> RepoResult<Option<Agent>> {
    let query = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::instance_id.eq(instance_id.to_string()))
        .select(AGENT_COLUMNS);
    match conn {
        AnyConnection::Postgresql(pg) => query.for_no_key_update().first::<AgentRow>(pg),
        AnyConnection::Sqlite(lite) => query.first::<AgentRow>(lite),
    }
    .optional()
    .repo()?
    .map(Agent::try_from)
    .transpose()
}

/// The organization's token with this hash.
pub(super) fn token_by_hash(
    conn: &mut AnyConnection,
    org: OrganizationId,
    token_hash: &str,
) -> RepoResult<Option<EnrollmentToken>> {
    enrollment_tokens::table
        .filter(enrollment_tokens::organization_id.eq(org.to_string()))
        .filter(enrollment_tokens::token_hash.eq(token_hash))
        .select(TOKEN_COLUMNS)
        .first::<TokenRow>(conn)
        .optional()
        .repo()?
        .map(EnrollmentToken::try_from)
        .transpose()
}

/// Across organizations (`CrossTenant::EnrollmentByTokenHash`).
pub(super) fn token_organization(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> RepoResult<Option<OrganizationId>> {
    enrollment_tokens::table
        .filter(enrollment_tokens::token_hash.eq(token_hash))
        .select(enrollment_tokens::organization_id)
        .first::<String>(conn)
        .optional()
        .repo()?
        .map(|org| parse_stored(&org, "enrollment_tokens.organization_id"))
        .transpose()
}

/// Across organizations (`CrossTenant::AgentById`): the agent and its secrets. An agent
/// without a secret row cannot sign anything and is reported as missing.
pub(super) fn credentials(
    conn: &mut AnyConnection,
    id: AgentId,
) -> RepoResult<Option<AgentCredentials>> {
    let found = agents::table
        .inner_join(agent_secrets::table.on(agent_secrets::agent_id.eq(agents::id)))
        .filter(agents::id.eq(id.to_string()))
        .filter(agent_secrets::organization_id.eq(agents::organization_id))
        .select((AGENT_COLUMNS, AGENT_SECRET_COLUMNS))
        .first::<(AgentRow, AgentSecretRow)>(conn)
        .optional()
        .repo()?;
    let Some((agent, secret)) = found else {
        return Ok(None);
    };
    Ok(Some(AgentCredentials {
        organization_id: parse_stored(&agent.organization_id, "agents.organization_id")?,
        secret: secret.current()?,
        previous: secret.previous()?,
        agent: Agent::try_from(agent)?,
    }))
}

pub(super) fn list(
    conn: &mut AnyConnection,
    org: OrganizationId,
    filter: &AgentFilter,
    page: &PageRequest,
) -> RepoResult<Vec<Agent>> {
    let mut query = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .select(AGENT_COLUMNS)
        .order(agents::id.desc())
        .limit(limit(page.fetch_limit()))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(agents::state.eq(state.as_str()));
    }
    if let Some(before) = page.before {
        query = query.filter(agents::id.lt(before.to_string()));
    }
    query
        .load::<AgentRow>(conn)
        .repo()?
        .into_iter()
        .map(Agent::try_from)
        .collect()
}

pub(super) fn has_reporting_agent(
    conn: &mut AnyConnection,
    org: OrganizationId,
) -> RepoResult<bool> {
    let reporting = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::last_seen_at.is_not_null());
    diesel::select(exists(reporting)).get_result(conn).repo()
}
