//! Containment: policies, the action log, and the executors that carry actions out.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::containment::{
    ActionLog, ActionStatus, ContainmentAction, ContainmentPolicy, Execution,
};
use crate::detection::Incident;
use crate::ids::{ActionLogId, IncidentId, OrganizationId, PolicyId};
use crate::pagination::PageRequest;

use super::RepoResult;

/// Containment policies and the log of actions taken.
pub trait ContainmentRepository: Send + Sync {
    /// Policies of `org`, highest priority first.
    fn policies(&self, org: OrganizationId) -> RepoResult<Vec<ContainmentPolicy>>;

    fn get_policy(
        &self,
        org: OrganizationId,
        id: PolicyId,
    ) -> RepoResult<Option<ContainmentPolicy>>;

    /// `Conflict::PolicyExists` when the name is taken in `org`.
    fn create_policy(&self, policy: &ContainmentPolicy) -> RepoResult<()>;

    /// Replaces the policy's fields; false when `org` has no such policy.
    fn update_policy(&self, policy: &ContainmentPolicy) -> RepoResult<bool>;

    fn delete_policy(&self, org: OrganizationId, id: PolicyId) -> RepoResult<bool>;

    /// Whether `policy` already acted on `incident` (a policy acts once per incident).
    fn policy_acted(
        &self,
        org: OrganizationId,
        incident: IncidentId,
        policy: PolicyId,
    ) -> RepoResult<bool>;

    /// Stores a new action with its `action.executed` entry, in one transaction.
    fn record_action(&self, log: &ActionLog, audit: &NewAuditEntry) -> RepoResult<()>;

    fn get_action(&self, org: OrganizationId, id: ActionLogId) -> RepoResult<Option<ActionLog>>;

    /// Concludes a `pending` action with its final `status` and `result`. False when `org` has
    /// no such action or it is no longer pending (a duplicate delivery never overwrites).
    fn finish_action(
        &self,
        org: OrganizationId,
        id: ActionLogId,
        status: ActionStatus,
        result: &str,
    ) -> RepoResult<bool>;

    /// Claims a `pending` action for one delivery until `until`: true for exactly one caller
    /// while the claim holds, however many server instances share the database; false when
    /// `org` has no such action, it is no longer pending, or another claim has not expired at
    /// `now`. A claimant that dies leaves its claim to expire.
    fn claim_action(
        &self,
        org: OrganizationId,
        id: ActionLogId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// Maintenance across all organizations (start-up, and periodically to pick up what a
    /// dead instance held): up to `limit` actions of `executor` still `pending` that nobody
    /// delivers — never claimed and created before `unclaimed_before`, or whose claim expired
    /// at `now` — oldest first, after `after` when given.
    fn pending_actions(
        &self,
        executor: &str,
        now: DateTime<Utc>,
        unclaimed_before: DateTime<Utc>,
        after: Option<ActionLogId>,
        limit: u32,
    ) -> RepoResult<Vec<ActionLog>>;

    /// Actions of `org` (of one incident when given), newest first.
    fn actions(
        &self,
        org: OrganizationId,
        incident: Option<IncidentId>,
        page: &PageRequest,
    ) -> RepoResult<Vec<ActionLog>>;
}

/// Carries out a containment action (an external system, or only the record of it).
pub trait ActionExecutor: Send + Sync {
    /// The name stored in the action log (`record`, `webhook`...).
    fn name(&self) -> &'static str;

    /// Decides what the action log says when the action is taken: a final status, or
    /// `pending` when the work goes on after the log is written (see [`Self::hand_off`]).
    fn execute(&self, incident: &Incident, action: ContainmentAction, params: &str) -> Execution;

    /// Called once `log` is stored, to start work that finishes later (a delivery). Must not
    /// wait on the network. Returns the final outcome when the hand-off itself ends the action
    /// (e.g. the delivery queue is full); the caller stores it.
    fn hand_off(&self, log: &ActionLog) -> Option<Execution> {
        let _ = log;
        None
    }
}

/// Picks the executor of an organization's actions (its webhook when it has an enabled one,
/// the record executor otherwise).
pub trait ExecutorDirectory: Send + Sync {
    fn executor_for(&self, org: OrganizationId) -> RepoResult<Arc<dyn ActionExecutor>>;
}
