//! Heartbeats, and the end of an agent (revoked or unenrolled).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::agents::{Agent, AgentState, Heartbeat};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::ports::{HeartbeatOutcome, RepoResult};
use xdr_domain::{AgentId, OrganizationId, RepoError};

use super::queries::{self, this_agent};
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::agent::count_to_db;
use crate::repos::audit::append_in_tx;
use crate::schema::agents;
use crate::time::to_db;

/// Inside the caller's write transaction, on the agent's locked row (so that concurrent
/// heartbeats agree on which one was first, and a clone is audited once).
pub(super) fn record(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
    heartbeat: &Heartbeat,
    now: DateTime<Utc>,
    clone_audit: &NewAuditEntry,
) -> RepoResult<HeartbeatOutcome> {
    let Some(row) = queries::lock(conn, org, id)? else {
        return Ok(HeartbeatOutcome::Refused);
    };
    let known_clone = row.clone_instance_id.clone();
    let agent = Agent::try_from(row)?;
    if !agent.may_sign_in() {
        return Ok(HeartbeatOutcome::Refused);
    }
    if heartbeat.from_a_clone_of(&agent) {
        let clone = heartbeat.instance_id.map(|i| i.to_string());
        if known_clone != clone {
            diesel::update(this_agent(org, id))
                .set(agents::clone_instance_id.eq(&clone))
                .execute(conn)
                .repo()?;
            append_in_tx(conn, clone_audit, now)?;
        }
        return Ok(HeartbeatOutcome::Clone);
    }
    let buffered = heartbeat.buffered_events.unwrap_or(agent.buffered_events);
    let dropped = heartbeat.dropped_events.unwrap_or(agent.dropped_events);
    diesel::update(this_agent(org, id))
        .set((
            agents::last_seen_at.eq(Some(to_db(now))),
            agents::buffered_events.eq(count_to_db(buffered)),
            agents::dropped_events.eq(count_to_db(dropped)),
        ))
        .execute(conn)
        .repo()?;
    Ok(HeartbeatOutcome::Recorded {
        first: agent.last_seen_at.is_none(),
    })
}

/// Inside the caller's write transaction: an active agent becomes `state` and `audit` is
/// appended; any other agent is returned as it is.
pub(super) fn end(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
    state: AgentState,
    audit: &NewAuditEntry,
) -> RepoResult<Option<Agent>> {
    if !matches!(state, AgentState::Revoked | AgentState::Unenrolled) {
        return Err(RepoError::Internal(format!(
            "an agent ends as revoked or unenrolled, not {state}"
        )));
    }
    let Some(row) = queries::lock(conn, org, id)? else {
        return Ok(None);
    };
    let mut agent = Agent::try_from(row)?;
    if agent.state != AgentState::Active {
        return Ok(Some(agent));
    }
    diesel::update(this_agent(org, id))
        .set(agents::state.eq(state.as_str()))
        .execute(conn)
        .repo()?;
    append_in_tx(conn, audit, Utc::now())?;
    agent.state = state;
    Ok(Some(agent))
}
