//! Agents of every organization counted by state (the metrics' cross-tenant read: counts, no
//! rows).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::agents::{AgentCounts, AgentState};
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::models::parse_stored;
use crate::schema::agents;
use crate::time::to_db;

fn count(n: i64) -> RepoResult<u64> {
    u64::try_from(n).map_err(|e| corrupt("count", e))
}

pub(super) fn count_agents(
    conn: &mut AnyConnection,
    seen_since: DateTime<Utc>,
) -> RepoResult<AgentCounts> {
    let rows = agents::table
        .group_by(agents::state)
        .select((agents::state, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)
        .repo()?;
    let by_state = rows
        .into_iter()
        .map(|(state, n)| {
            Ok((
                parse_stored::<AgentState>(&state, "agents.state")?,
                count(n)?,
            ))
        })
        .collect::<RepoResult<Vec<_>>>()?;
    let active = agents::table.filter(agents::state.eq(AgentState::Active.as_str()));
    let never_seen = active
        .filter(agents::last_seen_at.is_null())
        .count()
        .get_result::<i64>(conn)
        .repo()?;
    let silent = active
        .filter(agents::last_seen_at.lt(to_db(seen_since)))
        .count()
        .get_result::<i64>(conn)
        .repo()?;
    Ok(AgentCounts {
        by_state,
        active_never_seen: count(never_seen)?,
        active_silent: count(silent)?,
    })
}
