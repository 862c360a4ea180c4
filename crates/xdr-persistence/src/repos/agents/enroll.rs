//! Redeeming an enrollment token: read what `agents::decide` needs, under the organization's
//! lock, and apply its decision in the same transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::agents::{AgentState, EnrollRefused, Enrollment, NewAgentFacts, decide};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::onboarding::EnrollmentToken;
use xdr_domain::ports::{EnrolledAgent, RepoResult};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{AgentId, OrganizationId, RepoError};

use super::{queries, secrets};
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::agent::AgentRow;
use crate::repos::audit::append_in_tx;
use crate::repos::detection::ingest::lock_organization;
use crate::schema::{agents, assets, enrollment_tokens};
use crate::time::to_db;

/// What a redemption reads and writes besides the decision.
pub(super) struct Redemption<'a> {
    pub token_hash: &'a str,
    pub facts: &'a NewAgentFacts,
    pub secret: &'a SealedSecret,
    pub now: DateTime<Utc>,
}

/// Inside the caller's write transaction of `org`. Nothing is written on a refusal.
pub(super) fn enroll(
    conn: &mut AnyConnection,
    org: OrganizationId,
    r: &Redemption<'_>,
    audits: &dyn Fn(&EnrolledAgent) -> Vec<NewAuditEntry>,
) -> RepoResult<Result<EnrolledAgent, EnrollRefused>> {
    lock_organization(conn, org)?;
    // Read again in the organization: a hash of another organization's token finds nothing.
    let token = queries::token_by_hash(conn, org, r.token_hash)?;
    let existing = queries::lock_by_instance(conn, org, r.facts.instance_id)?;
    let replaced = match r.facts.replaces {
        Some(id) => queries::lock(conn, org, id)?
            .map(xdr_domain::agents::Agent::try_from)
            .transpose()?,
        None => None,
    };
    let enrollment = match decide(
        token.as_ref(),
        existing.as_ref(),
        replaced.as_ref(),
        r.facts,
        r.now,
    ) {
        Ok(enrollment) => enrollment,
        Err(refused) => return Ok(Err(refused)),
    };
    let Some(token) = token else {
        return Err(RepoError::Internal(
            "a redemption decided without a token".into(),
        ));
    };
    if enrollment.uses_token() && !count_use(conn, org, &token)? {
        // Never after the token was read under the lock; the guard is a second wall.
        return Ok(Err(EnrollRefused::InvalidToken));
    }
    let agent_id = enrollment.agent_id();
    match enrollment {
        Enrollment::Create { .. } => create(conn, org, agent_id, &token, r)?,
        Enrollment::Reenroll { .. } => refresh(conn, org, agent_id, &token, r, true)?,
        Enrollment::Reissue { .. } => refresh(conn, org, agent_id, &token, r, false)?,
    }
    secrets::replace(conn, org, agent_id, r.secret)?;
    // Only an active agent is retired: the retry of a request that already retired it leaves
    // it (and who superseded it) as it is.
    let superseded = match replaced {
        Some(old) => {
            let retired = diesel::update(queries::this_agent(org, old.id))
                .filter(agents::state.eq(AgentState::Active.as_str()))
                .set((
                    agents::state.eq(AgentState::Superseded.as_str()),
                    agents::superseded_by.eq(Some(agent_id.to_string())),
                ))
                .execute(conn)
                .repo()?;
            (retired == 1).then_some(old.id)
        }
        None => None,
    };
    if let Some(ip) = r.facts.ip_address {
        diesel::update(
            assets::table
                .filter(assets::organization_id.eq(org.to_string()))
                .filter(assets::ip.eq(ip.to_string())),
        )
        .set(assets::agent_id.eq(Some(agent_id.to_string())))
        .execute(conn)
        .repo()?;
        // Discovery finds addresses, not names: the agent on the host knows its name.
        diesel::update(
            assets::table
                .filter(assets::organization_id.eq(org.to_string()))
                .filter(assets::ip.eq(ip.to_string()))
                .filter(assets::hostname.is_null()),
        )
        .set(assets::hostname.eq(Some(&r.facts.hostname)))
        .execute(conn)
        .repo()?;
    }
    let agent = queries::get(conn, org, agent_id)?
        .ok_or_else(|| RepoError::Internal("the enrolled agent vanished".into()))?;
    let applied = EnrolledAgent {
        enrollment,
        agent,
        superseded,
    };
    for entry in audits(&applied) {
        append_in_tx(conn, &entry, r.now)?;
    }
    Ok(Ok(applied))
}

/// Counts a use of the token, unless it is used up: false then.
fn count_use(
    conn: &mut AnyConnection,
    org: OrganizationId,
    token: &EnrollmentToken,
) -> RepoResult<bool> {
    let counted = diesel::update(
        enrollment_tokens::table
            .filter(enrollment_tokens::organization_id.eq(org.to_string()))
            .filter(enrollment_tokens::id.eq(token.id.to_string()))
            .filter(enrollment_tokens::uses.lt(enrollment_tokens::max_uses)),
    )
    .set(enrollment_tokens::uses.eq(enrollment_tokens::uses + 1))
    .execute(conn)
    .repo()?;
    Ok(counted == 1)
}

fn create(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
    token: &EnrollmentToken,
    r: &Redemption<'_>,
) -> RepoResult<()> {
    let row = AgentRow::enrolled(org, id, r.facts, token.id, r.now);
    match diesel::insert_into(agents::table)
        .values(&row)
        .execute(conn)
        .repo()
    {
        Ok(_) => Ok(()),
        // (organization, instance id) is unique. Under the organization's lock the agent read
        // above cannot appear meanwhile; should it anyway, the client's retry is answered as
        // one (a re-issue), so say "try again" rather than fail.
        Err(RepoError::Conflict(c)) => Err(RepoError::Unavailable(format!(
            "a concurrent enrollment of the same instance id ({c:?}); retry"
        ))),
        Err(e) => Err(e),
    }
}

/// The existing agent's facts as the request states them, active again with this token. A
/// re-enrollment starts afresh (enrolled now, pending until its first heartbeat), so that a
/// retry of it is a re-issue; a re-issue keeps its enrollment time.
fn refresh(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: AgentId,
    token: &EnrollmentToken,
    r: &Redemption<'_>,
    afresh: bool,
) -> RepoResult<()> {
    let f = r.facts;
    diesel::update(queries::this_agent(org, id))
        .set((
            agents::hostname.eq(&f.hostname),
            agents::platform.eq(f.platform.as_str()),
            agents::os_version.eq(&f.os_version),
            agents::ip_address.eq(f.ip_address.map(|ip| ip.to_string())),
            agents::agent_version.eq(&f.agent_version),
            agents::enrollment_token_id.eq(Some(token.id.to_string())),
            agents::state.eq(AgentState::Active.as_str()),
            agents::clone_instance_id.eq(None::<String>),
            agents::superseded_by.eq(None::<String>),
        ))
        .execute(conn)
        .repo()?;
    if afresh {
        diesel::update(queries::this_agent(org, id))
            .set((
                agents::enrolled_at.eq(to_db(r.now)),
                agents::last_seen_at.eq(None::<chrono::NaiveDateTime>),
                agents::buffered_events.eq(0_i64),
                agents::dropped_events.eq(0_i64),
            ))
            .execute(conn)
            .repo()?;
    }
    Ok(())
}
