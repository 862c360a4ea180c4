//! `AgentRepository`: enrolled agents, their secrets, nonces, heartbeats and event batches.
//!
//! Every method runs in the tenant scope of the organization it is given and filters by it,
//! except the four the port documents as crossing organizations:
//! `enrollment_token_organization` (`CrossTenant::EnrollmentByTokenHash`),
//! `agent_credentials` (`CrossTenant::AgentById`), `key_versions_in_use`
//! (`CrossTenant::VaultKeyVersions`) and `count_agents` (`CrossTenant::Metrics`).

mod batches;
mod counts;
mod enroll;
mod heartbeat;
mod nonces;
mod queries;
mod secrets;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use xdr_domain::agents::{Agent, AgentCounts, AgentState, EnrollRefused, Heartbeat, NewAgentFacts};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::detection::NewEvent;
use xdr_domain::ports::{
    AgentCredentials, AgentFilter, AgentRepository, BatchOutcome, EnrolledAgent, HeartbeatOutcome,
    NonceUse, RepoResult,
};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{AgentId, OrganizationId, PageRequest};

use crate::database::{CrossTenant, Database};
use crate::repos::detection::ingest;

#[derive(Debug, Clone)]
pub struct SqlAgentRepository {
    db: Database,
}

impl SqlAgentRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl AgentRepository for SqlAgentRepository {
    fn enrollment_token_organization(
        &self,
        token_hash: &str,
    ) -> RepoResult<Option<OrganizationId>> {
        self.db
            .cross_tenant(CrossTenant::EnrollmentByTokenHash, |conn| {
                queries::token_organization(conn, token_hash)
            })
    }

    fn enroll(
        &self,
        org: OrganizationId,
        token_hash: &str,
        facts: &NewAgentFacts,
        secret: &SealedSecret,
        now: DateTime<Utc>,
        audits: &dyn Fn(&EnrolledAgent) -> Vec<NewAuditEntry>,
    ) -> RepoResult<Result<EnrolledAgent, EnrollRefused>> {
        let redemption = enroll::Redemption {
            token_hash,
            facts,
            secret,
            now,
        };
        self.db
            .tenant_write(org, |c| enroll::enroll(c, org, &redemption, audits))
    }

    fn agent_credentials(&self, id: AgentId) -> RepoResult<Option<AgentCredentials>> {
        self.db.cross_tenant(CrossTenant::AgentById, |conn| {
            queries::credentials(conn, id)
        })
    }

    fn record_nonce(
        &self,
        org: OrganizationId,
        agent: AgentId,
        nonce: &str,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            nonces::record(c, org, agent, nonce, now, forget_before)
        })
    }

    fn prune_nonces(&self, before: DateTime<Utc>) -> RepoResult<u64> {
        self.db
            .cross_tenant_write(CrossTenant::NoncePrune, |c| nonces::prune(c, before))
    }

    fn heartbeat(
        &self,
        org: OrganizationId,
        agent: AgentId,
        heartbeat: &Heartbeat,
        now: DateTime<Utc>,
        clone_audit: NewAuditEntry,
    ) -> RepoResult<HeartbeatOutcome> {
        self.db.tenant_write(org, |c| {
            heartbeat::record(c, org, agent, heartbeat, now, &clone_audit)
        })
    }

    fn ingest_batch(
        &self,
        org: OrganizationId,
        agent: AgentId,
        nonce: Option<&NonceUse>,
        batch_id: Option<Uuid>,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<BatchOutcome> {
        // Prepared before the write transaction, as `DetectionRepository::ingest` does.
        let batch = ingest::prepare_from_agent(&events, agent);
        self.db.tenant_write(org, |c| {
            // The organization's ingest lock comes first, before the nonce and batch rows:
            // their foreign keys share-lock the organization's row, and on PostgreSQL a share
            // lock taken while another ingest holds the update lock costs a multixact per
            // waiter (measured: signed ingest at 45 % of bearer ingest, docs/benchmarks.md).
            ingest::lock_organization(c, org)?;
            if let Some(n) = nonce
                && !nonces::record(c, org, agent, &n.nonce, now, n.forget_before)?
            {
                return Ok(BatchOutcome::Replayed);
            }
            batches::ingest_batch(c, org, agent, batch_id, &batch, events.len(), now)
        })
    }

    fn rotate_secret(
        &self,
        org: OrganizationId,
        agent: AgentId,
        secret: &SealedSecret,
        previous_until: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db.tenant_write(org, |c| {
            secrets::rotate(c, org, agent, secret, previous_until, &audit)
        })
    }

    fn end_agent(
        &self,
        org: OrganizationId,
        agent: AgentId,
        state: AgentState,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Agent>> {
        self.db
            .tenant_write(org, |c| heartbeat::end(c, org, agent, state, &audit))
    }

    fn get_agent(&self, org: OrganizationId, id: AgentId) -> RepoResult<Option<Agent>> {
        self.db.tenant(org, |conn| queries::get(conn, org, id))
    }

    fn list_agents(
        &self,
        org: OrganizationId,
        filter: &AgentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Agent>> {
        self.db
            .tenant(org, |conn| queries::list(conn, org, filter, page))
    }

    fn has_reporting_agent(&self, org: OrganizationId) -> RepoResult<bool> {
        self.db
            .tenant(org, |conn| queries::has_reporting_agent(conn, org))
    }

    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>> {
        self.db.cross_tenant(CrossTenant::VaultKeyVersions, |conn| {
            secrets::count_by_key_version(conn)
        })
    }

    fn count_agents(&self, seen_since: DateTime<Utc>) -> RepoResult<AgentCounts> {
        self.db.cross_tenant(CrossTenant::Metrics, |conn| {
            counts::count_agents(conn, seen_since)
        })
    }
}
