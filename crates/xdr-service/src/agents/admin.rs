//! The users' view of the organization's agents: anyone in it reads; an admin revokes.

use std::sync::Arc;

use xdr_auth::audit_trail::by_principal;
use xdr_auth::{ClientInfo, Principal, blocking};
use xdr_domain::agents::{AgentState, AgentStatus};
use xdr_domain::audit::AuditAction;
use xdr_domain::identity::Role;
use xdr_domain::ports::AgentFilter;
use xdr_domain::{AgentId, Page, PageRequest};

use super::enroll::RESOURCE_AGENT;
use super::{AgentError, AgentService, AgentView};
use crate::access::require;

/// The stored state a status is computed from.
fn state_of(status: AgentStatus) -> AgentState {
    match status {
        AgentStatus::Pending | AgentStatus::Active | AgentStatus::Disconnected => {
            AgentState::Active
        }
        AgentStatus::Revoked => AgentState::Revoked,
        AgentStatus::Unenrolled => AgentState::Unenrolled,
        AgentStatus::Superseded => AgentState::Superseded,
    }
}

impl AgentService {
    /// Operator metrics (no caller: `/metrics` is the operator's): agents of every
    /// organization by status now.
    pub async fn status_counts(&self) -> Result<Vec<(AgentStatus, u64)>, AgentError> {
        let seen_since =
            self.clock.now() - chrono::Duration::seconds(self.config.disconnect_after_seconds);
        let ports = Arc::clone(&self.ports);
        let counts = blocking::run(move || ports.agents.count_agents(seen_since)).await?;
        Ok(counts.by_status())
    }

    /// Newest first. With `status`, a page holds the agents of that status among the page
    /// of stored rows read (it may be short; `next_before` says whether more follow).
    pub async fn list(
        &self,
        principal: &Principal,
        status: Option<AgentStatus>,
        page: PageRequest,
    ) -> Result<Page<AgentView>, AgentError> {
        require(principal, Role::Viewer)?;
        let org = principal.organization_id;
        let filter = AgentFilter {
            state: status.map(state_of),
        };
        let ports = Arc::clone(&self.ports);
        let rows = blocking::run(move || ports.agents.list_agents(org, &filter, &page)).await?;
        let page = Page::from_rows(rows, &page, |a| a.id.as_uuid());
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|a| self.view(a))
                .filter(|v| status.is_none_or(|s| v.status == s))
                .collect(),
            next_before: page.next_before,
        })
    }

    pub async fn get(&self, principal: &Principal, id: AgentId) -> Result<AgentView, AgentError> {
        require(principal, Role::Viewer)?;
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let agent = blocking::run(move || ports.agents.get_agent(org, id))
            .await?
            .ok_or(AgentError::NotFound)?;
        Ok(self.view(agent))
    }

    /// Revokes the agent: its signed requests are refused from now on. Revoking an agent
    /// that is not active changes nothing.
    pub async fn revoke(
        &self,
        principal: &Principal,
        id: AgentId,
        client: &ClientInfo,
    ) -> Result<(), AgentError> {
        require(principal, Role::Admin)?;
        let org = principal.organization_id;
        let audit =
            by_principal(principal, AuditAction::AgentRevoked, RESOURCE_AGENT, client).resource(id);
        let ports = Arc::clone(&self.ports);
        let ended =
            blocking::run(move || ports.agents.end_agent(org, id, AgentState::Revoked, audit))
                .await;
        self.credentials.forget(id);
        ended?.ok_or(AgentError::NotFound)?;
        tracing::info!(organization_id = %org, agent_id = %id, "agent revoked");
        Ok(())
    }

    /// Whether an agent of the caller's organization has reported (the wizard's agents step).
    pub async fn has_reporting_agent(&self, principal: &Principal) -> Result<bool, AgentError> {
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        Ok(blocking::run(move || ports.agents.has_reporting_agent(org)).await?)
    }
}
