//! Containment: policies evaluated when incidents open or grow, manual actions, the action log.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use thiserror::Error;
use xdr_domain::containment::{ActionLog, ContainmentAction, ContainmentPolicy, matching_policies};
use xdr_domain::detection::Incident;
use xdr_domain::identity::Role;
use xdr_domain::ports::{
    ActionExecutor, ContainmentRepository, DetectionRepository, ExecutorDirectory, IngestOutcome,
    RepoResult,
};
use xdr_domain::{
    ActionLogId, Clock, Conflict, FieldErrors, IncidentId, OrganizationId, PageRequest, PolicyId,
    RepoError, UserId,
};

mod executors;

pub use executors::{ContainmentExecutors, RecordExecutor};

use crate::access::{Forbidden, require};
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, InternalError, Principal, audit_trail};
use xdr_domain::audit::{AuditAction, NewAuditEntry};

/// A policy as a client writes it.
#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub name: String,
    pub enabled: bool,
    pub min_risk_score: f64,
    pub min_event_count: i64,
    pub action: ContainmentAction,
    pub action_params: String,
    pub priority: i32,
}

/// Who took an action: a policy, or a user by hand (the entry names the actor and client).
#[derive(Debug, Clone)]
struct Origin {
    policy: Option<PolicyId>,
    by: Option<UserId>,
    now: DateTime<Utc>,
    audit: NewAuditEntry,
}

const RESOURCE_ACTION: &str = "action";

/// Takes `action` on `incident` with the organization's executor: decides, logs, then hands
/// the logged action to the executor (a webhook delivery continues in the background; when the
/// hand-off itself ends the action, e.g. a full delivery queue, that outcome is stored).
fn act(
    executors: &dyn ExecutorDirectory,
    containment: &dyn ContainmentRepository,
    incident: &Incident,
    action: ContainmentAction,
    params: &str,
    origin: Origin,
) -> RepoResult<ActionLog> {
    let executor: Arc<dyn ActionExecutor> = executors.executor_for(incident.organization_id)?;
    let execution = executor.execute(incident, action, params);
    let mut log = ActionLog {
        id: ActionLogId::generate(),
        organization_id: incident.organization_id,
        incident_id: incident.id,
        policy_id: origin.policy,
        action,
        params: params.to_owned(),
        status: execution.status,
        executor: executor.name().to_owned(),
        result: execution.result,
        created_by: origin.by,
        created_at: origin.now,
    };
    let entry = origin.audit.resource(log.id).details(serde_json::json!({
        "incident_id": incident.id.to_string(),
        "action": action.as_str(),
        "policy_id": origin.policy.map(|p| p.to_string()),
        "executor": log.executor,
        "status": log.status.as_str(),
    }));
    containment.record_action(&log, &entry)?;
    if let Some(done) = executor.hand_off(&log) {
        let result = done.result.clone().unwrap_or_default();
        containment.finish_action(log.organization_id, log.id, done.status, &result)?;
        log.status = done.status;
        log.result = done.result;
    }
    Ok(log)
}

/// [`apply_policies`] on what an ingest opened or grew.
pub(crate) fn apply_policies_after(
    incidents: &dyn DetectionRepository,
    containment: &dyn ContainmentRepository,
    executors: &dyn ExecutorDirectory,
    org: OrganizationId,
    outcome: &IngestOutcome,
    now: DateTime<Utc>,
) -> RepoResult<usize> {
    let touched: Vec<IncidentId> = outcome
        .incidents_opened
        .iter()
        .chain(&outcome.incidents_updated)
        .copied()
        .collect();
    apply_policies(incidents, containment, executors, org, &touched, now)
}

/// Runs every matching policy that has not yet acted on each incident (a policy acts once per
/// incident, however often it grows).
pub(crate) fn apply_policies(
    incidents: &dyn DetectionRepository,
    containment: &dyn ContainmentRepository,
    executors: &dyn ExecutorDirectory,
    org: OrganizationId,
    touched: &[IncidentId],
    now: DateTime<Utc>,
) -> RepoResult<usize> {
    if touched.is_empty() {
        return Ok(0);
    }
    let policies = containment.policies(org)?;
    let mut taken = 0;
    for id in touched {
        let Some(incident) = incidents.get_incident(org, *id)? else {
            continue;
        };
        for policy in matching_policies(&policies, &incident) {
            if containment.policy_acted(org, incident.id, policy.id)? {
                continue;
            }
            let origin = Origin {
                policy: Some(policy.id),
                by: None,
                now,
                audit: NewAuditEntry::new(org, AuditAction::ActionExecuted, RESOURCE_ACTION),
            };
            act(
                executors,
                containment,
                &incident,
                policy.action,
                &policy.action_params,
                origin,
            )?;
            taken += 1;
        }
    }
    Ok(taken)
}

#[derive(Debug, Error)]
pub enum ContainmentError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The organization already has a policy with that name.
    #[error("a policy with that name exists")]
    PolicyExists,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for ContainmentError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::Conflict(Conflict::PolicyExists) => Self::PolicyExists,
            other => Self::Internal(InternalError::Storage(other)),
        }
    }
}

impl From<Forbidden> for ContainmentError {
    fn from(_: Forbidden) -> Self {
        Self::Forbidden
    }
}

/// Manual actions, the action log and the policies of an organization.
pub struct ContainmentService {
    incidents: Arc<dyn DetectionRepository>,
    containment: Arc<dyn ContainmentRepository>,
    executors: Arc<dyn ExecutorDirectory>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for ContainmentService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainmentService").finish_non_exhaustive()
    }
}

impl ContainmentService {
    pub fn new(
        incidents: Arc<dyn DetectionRepository>,
        containment: Arc<dyn ContainmentRepository>,
        executors: Arc<dyn ExecutorDirectory>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            incidents,
            containment,
            executors,
            clock,
        }
    }

    /// A manual action on an incident (soc_lead), logged now; a webhook delivers it in the
    /// background (the returned log is then `pending`).
    pub async fn take_action(
        &self,
        principal: &Principal,
        incident: IncidentId,
        action: ContainmentAction,
        params: String,
        client: &ClientInfo,
    ) -> Result<ActionLog, ContainmentError> {
        require(principal, Role::SocLead)?;
        let (repo, containment, executors) = (
            Arc::clone(&self.incidents),
            Arc::clone(&self.containment),
            Arc::clone(&self.executors),
        );
        let origin = Origin {
            policy: None,
            by: Some(principal.user_id),
            now: self.clock.now(),
            audit: audit_trail::by_principal(
                principal,
                AuditAction::ActionExecuted,
                RESOURCE_ACTION,
                client,
            ),
        };
        let org = principal.organization_id;
        let log = blocking::run(move || {
            let Some(incident) = repo.get_incident(org, incident)? else {
                return Ok(None);
            };
            let log = act(
                executors.as_ref(),
                containment.as_ref(),
                &incident,
                action,
                &params,
                origin,
            )?;
            Ok(Some(log))
        })
        .await?;
        log.ok_or(ContainmentError::NotFound)
    }

    pub async fn actions(
        &self,
        principal: &Principal,
        incident: Option<IncidentId>,
        page: PageRequest,
    ) -> Result<Vec<ActionLog>, ContainmentError> {
        require(principal, Role::Viewer)?;
        let containment = Arc::clone(&self.containment);
        let org = principal.organization_id;
        Ok(blocking::run(move || containment.actions(org, incident, &page)).await?)
    }

    pub async fn policies(
        &self,
        principal: &Principal,
    ) -> Result<Vec<ContainmentPolicy>, ContainmentError> {
        require(principal, Role::Viewer)?;
        let containment = Arc::clone(&self.containment);
        let org = principal.organization_id;
        Ok(blocking::run(move || containment.policies(org)).await?)
    }

    pub async fn policy(
        &self,
        principal: &Principal,
        id: PolicyId,
    ) -> Result<ContainmentPolicy, ContainmentError> {
        require(principal, Role::Viewer)?;
        let containment = Arc::clone(&self.containment);
        let org = principal.organization_id;
        blocking::run(move || containment.get_policy(org, id))
            .await?
            .ok_or(ContainmentError::NotFound)
    }

    pub async fn create_policy(
        &self,
        principal: &Principal,
        input: PolicyInput,
    ) -> Result<ContainmentPolicy, ContainmentError> {
        require(principal, Role::SocLead)?;
        let now = self.clock.now();
        let policy = ContainmentPolicy {
            id: PolicyId::generate(),
            organization_id: principal.organization_id,
            name: input.name.trim().to_owned(),
            enabled: input.enabled,
            min_risk_score: input.min_risk_score,
            min_event_count: input.min_event_count,
            action: input.action,
            action_params: input.action_params,
            priority: input.priority,
            created_at: now,
            updated_at: now,
        };
        policy.validate().map_err(ContainmentError::Validation)?;
        let containment = Arc::clone(&self.containment);
        let stored = policy.clone();
        blocking::run(move || containment.create_policy(&stored)).await?;
        Ok(policy)
    }

    /// Applies `change` to the stored policy and saves it (soc_lead).
    pub async fn update_policy(
        &self,
        principal: &Principal,
        id: PolicyId,
        change: impl FnOnce(&mut ContainmentPolicy),
    ) -> Result<ContainmentPolicy, ContainmentError> {
        require(principal, Role::SocLead)?;
        let mut policy = self.policy(principal, id).await?;
        change(&mut policy);
        policy.name = policy.name.trim().to_owned();
        policy.updated_at = self.clock.now();
        policy.validate().map_err(ContainmentError::Validation)?;
        let containment = Arc::clone(&self.containment);
        let stored = policy.clone();
        let updated = blocking::run(move || containment.update_policy(&stored)).await?;
        if updated {
            Ok(policy)
        } else {
            Err(ContainmentError::NotFound)
        }
    }

    pub async fn delete_policy(
        &self,
        principal: &Principal,
        id: PolicyId,
    ) -> Result<(), ContainmentError> {
        require(principal, Role::SocLead)?;
        let containment = Arc::clone(&self.containment);
        let org = principal.organization_id;
        if blocking::run(move || containment.delete_policy(org, id)).await? {
            Ok(())
        } else {
            Err(ContainmentError::NotFound)
        }
    }
}
