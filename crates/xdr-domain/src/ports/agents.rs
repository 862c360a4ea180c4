//! Enrolled agents: redemption of enrollment tokens, the secrets and nonces of signed
//! requests, heartbeats and event batches.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::agents::{
    Agent, AgentCounts, AgentState, EnrollRefused, Enrollment, Heartbeat, NewAgentFacts,
};
use crate::audit::NewAuditEntry;
use crate::detection::NewEvent;
use crate::ids::{AgentId, OrganizationId};
use crate::pagination::PageRequest;
use crate::secrets::SealedSecret;

use super::{IngestOutcome, RepoResult};

/// A redemption as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolledAgent {
    pub enrollment: Enrollment,
    /// The agent as stored afterwards (active, with the new secret).
    pub agent: Agent,
    /// The agent `replaces` retired (now `superseded`).
    pub superseded: Option<AgentId>,
}

/// What verifies an agent's signed requests: the agent, its organization and its sealed
/// secrets (bound to the organization and the agent's instance id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCredentials {
    pub organization_id: OrganizationId,
    pub agent: Agent,
    pub secret: SealedSecret,
    /// The secret a rotation replaced and until when it is still accepted.
    pub previous: Option<(SealedSecret, DateTime<Utc>)>,
}

/// What a heartbeat did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeartbeatOutcome {
    /// Last seen and counts stored; `first` when it was the agent's first heartbeat.
    Recorded { first: bool },
    /// It named another instance id than the agent enrolled with: nothing stored but, the
    /// first time that instance id is seen, the clone and its audit entry.
    Clone,
    /// The agent is not active (any more) or does not exist.
    Refused,
}

/// What an event batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    Ingested(IngestOutcome),
    /// The request's nonce was seen before (a replay): nothing was stored.
    Replayed,
    /// The agent sent this `batch_id` before; nothing was stored again. `accepted` is what
    /// the first time accepted.
    Duplicate {
        accepted: usize,
    },
}

/// A verified request's nonce, to record with the request's own write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceUse {
    pub nonce: String,
    /// The agent's nonces seen before this are forgotten (no timestamp that old is accepted).
    pub forget_before: DateTime<Utc>,
}

/// Which agents to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgentFilter {
    pub state: Option<AgentState>,
}

/// Agents of an organization. Every request-facing method takes the `OrganizationId` and
/// filters by it, except the two lookups that precede any organization (documented as such).
pub trait AgentRepository: Send + Sync {
    /// Across organizations (the token's hash is all the caller has): the organization of
    /// the enrollment token with this hash, whatever its status.
    fn enrollment_token_organization(&self, token_hash: &str)
    -> RepoResult<Option<OrganizationId>>;

    /// In one transaction under the organization's lock: reads the organization's token with
    /// this hash, its agent with the request's instance id and the agent `replaces` names,
    /// asks `agents::decide`, and applies the decision: the agent created or made active
    /// again with `secret` (dropping any previous one), the token's use counted (not for a
    /// re-issue), the replaced agent superseded, the assets with the agent's IP linked to it,
    /// and `audits(&applied)` appended. Nothing is written when the decision is a refusal.
    fn enroll(
        &self,
        org: OrganizationId,
        token_hash: &str,
        facts: &NewAgentFacts,
        secret: &SealedSecret,
        now: DateTime<Utc>,
        audits: &dyn Fn(&EnrolledAgent) -> Vec<NewAuditEntry>,
    ) -> RepoResult<Result<EnrolledAgent, EnrollRefused>>;

    /// Across organizations (the `X-Agent-Id` header is all the caller has): the agent with
    /// this id and what verifies its signatures.
    fn agent_credentials(&self, id: AgentId) -> RepoResult<Option<AgentCredentials>>;

    /// Records that the agent used `nonce` at `now`, after deleting the agent's nonces seen
    /// before `forget_before`; false (nothing recorded) when the agent used it already: a
    /// replay. Every server instance shares the record.
    fn record_nonce(
        &self,
        org: OrganizationId,
        agent: AgentId,
        nonce: &str,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// Stores a heartbeat of an active agent: last seen, buffered and dropped counts. A
    /// heartbeat from a clone (`Heartbeat::from_a_clone_of`) stores only the clone's instance
    /// id and, the first time it is seen, `clone_audit`.
    /// Across organizations: forgets every nonce seen before `before` (a periodic sweep:
    /// `record_nonce` never deletes). Returns how many.
    fn prune_nonces(&self, before: DateTime<Utc>) -> RepoResult<u64>;

    fn heartbeat(
        &self,
        org: OrganizationId,
        agent: AgentId,
        heartbeat: &Heartbeat,
        now: DateTime<Utc>,
        clone_audit: NewAuditEntry,
    ) -> RepoResult<HeartbeatOutcome>;

    /// Ingests `events` (their `agent_id` set to `agent`) exactly as
    /// `DetectionRepository::ingest` does, and records `batch_id` in the same transaction: a
    /// batch id the agent sent before is a duplicate and stores nothing. With `nonce`, the
    /// request's nonce is recorded first in that transaction too (one write per signed batch
    /// instead of two), as `record_nonce` would: a replay is `Replayed` and stores nothing.
    fn ingest_batch(
        &self,
        org: OrganizationId,
        agent: AgentId,
        nonce: Option<&NonceUse>,
        batch_id: Option<Uuid>,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<BatchOutcome>;

    /// Replaces an active agent's secret with `secret`; the old one is accepted until
    /// `previous_until`. Writes `audit` (`agent.secret_rotated`). False when the agent is not
    /// active.
    fn rotate_secret(
        &self,
        org: OrganizationId,
        agent: AgentId,
        secret: &SealedSecret,
        previous_until: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Ends an active agent as `state` (revoked or unenrolled) and writes `audit`. `None` when
    /// there is no such agent; an agent that is not active is returned unchanged, with no
    /// audit entry.
    fn end_agent(
        &self,
        org: OrganizationId,
        agent: AgentId,
        state: AgentState,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Agent>>;

    fn get_agent(&self, org: OrganizationId, id: AgentId) -> RepoResult<Option<Agent>>;

    /// Newest first (by id), at most `page.fetch_limit()`.
    fn list_agents(
        &self,
        org: OrganizationId,
        filter: &AgentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Agent>>;

    /// Whether an agent of the organization has sent a heartbeat.
    fn has_reporting_agent(&self, org: OrganizationId) -> RepoResult<bool>;

    /// Operator maintenance across organizations: how many agent secrets (current and
    /// previous) each key version sealed.
    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>>;

    /// Operator metrics across organizations: agents by state, active ones split by whether
    /// their last heartbeat is older than `seen_since`.
    fn count_agents(&self, seen_since: DateTime<Utc>) -> RepoResult<AgentCounts>;
}
