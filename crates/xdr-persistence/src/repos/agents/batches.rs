//! Event batches of agents: the detection ingest of `POST /events`, de-duplicated by the
//! agent's `batch_id` in the same transaction.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use xdr_domain::ports::{BatchOutcome, RepoResult};
use xdr_domain::{AgentId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::models::agent::count_to_db;
use crate::repos::detection::ingest::{self, PreparedBatch};
use crate::schema::agent_batches;
use crate::time::to_db;

#[derive(Debug, Insertable)]
#[diesel(table_name = agent_batches)]
struct BatchRow {
    agent_id: String,
    batch_id: String,
    organization_id: String,
    accepted: i64,
    received_at: NaiveDateTime,
}

/// Inside the caller's write transaction, which holds the organization's ingest lock
/// (`lock_organization`, so this batch's row is ordered after any ingest in progress): records `batch_id` (when given) and ingests
/// `batch` exactly as `DetectionRepository::ingest` does. A batch id the agent sent before
/// answers with what the first one accepted, and nothing is stored.
pub(super) fn ingest_batch(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    batch_id: Option<Uuid>,
    batch: &PreparedBatch,
    size: usize,
    now: DateTime<Utc>,
) -> RepoResult<BatchOutcome> {
    if let Some(batch_id) = batch_id
        && let Some(accepted) = first_sending(conn, org, agent, batch_id, size, now)?
    {
        return Ok(BatchOutcome::Duplicate { accepted });
    }
    ingest::ingest_locked(conn, org, batch, now).map(BatchOutcome::Ingested)
}

/// Records the batch; `Some(accepted)` of the stored row when the agent sent it before.
/// PostgreSQL makes a concurrent insert of the same batch wait for the first, then do nothing.
fn first_sending(
    conn: &mut AnyConnection,
    org: OrganizationId,
    agent: AgentId,
    batch_id: Uuid,
    size: usize,
    now: DateTime<Utc>,
) -> RepoResult<Option<usize>> {
    let row = BatchRow {
        agent_id: agent.to_string(),
        batch_id: batch_id.to_string(),
        organization_id: org.to_string(),
        accepted: count_to_db(u64::try_from(size).unwrap_or(u64::MAX)),
        received_at: to_db(now),
    };
    let insert = diesel::insert_into(agent_batches::table)
        .values(&row)
        .on_conflict_do_nothing();
    let inserted = match conn {
        AnyConnection::Postgresql(pg) => insert.execute(pg),
        AnyConnection::Sqlite(lite) => insert.execute(lite),
    }
    .repo()?;
    if inserted == 1 {
        return Ok(None);
    }
    let accepted = agent_batches::table
        .filter(agent_batches::organization_id.eq(org.to_string()))
        .filter(agent_batches::agent_id.eq(&row.agent_id))
        .filter(agent_batches::batch_id.eq(&row.batch_id))
        .select(agent_batches::accepted)
        .first::<i64>(conn)
        .optional()
        .repo()?;
    match accepted {
        Some(n) => usize::try_from(n)
            .map(Some)
            .map_err(|e| corrupt("agent_batches.accepted", e)),
        // The row that conflicted belongs to another organization: the agent id is not this
        // organization's, which a verified agent request cannot produce.
        None => Err(xdr_domain::RepoError::Internal(
            "an agent batch of another organization".to_owned(),
        )),
    }
}
