//! Built-in action executors, and the directory that picks one per organization.

use std::fmt;
use std::sync::Arc;

use xdr_domain::OrganizationId;
use xdr_domain::containment::{ActionStatus, ContainmentAction, Execution};
use xdr_domain::detection::Incident;
use xdr_domain::ports::{ActionExecutor, ExecutorDirectory, RepoResult, WebhookRepository};

/// Records the decision without touching any external system: the action log is the
/// hand-off to the operator (or to an integration reading it). Status `recorded`.
#[derive(Debug, Default, Clone, Copy)]
pub struct RecordExecutor;

impl ActionExecutor for RecordExecutor {
    fn name(&self) -> &'static str {
        "record"
    }

    fn execute(&self, incident: &Incident, action: ContainmentAction, _params: &str) -> Execution {
        Execution {
            status: ActionStatus::Recorded,
            result: Some(format!("{action} recorded for {}", incident.src_ip)),
        }
    }
}

/// An organization's actions go to its webhook when it has an enabled one, to the record
/// executor otherwise.
pub struct ContainmentExecutors {
    record: Arc<dyn ActionExecutor>,
    webhook: Option<(Arc<dyn ActionExecutor>, Arc<dyn WebhookRepository>)>,
}

impl fmt::Debug for ContainmentExecutors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainmentExecutors")
            .field("webhooks", &self.webhook.is_some())
            .finish()
    }
}

impl ContainmentExecutors {
    /// Every action is only recorded.
    pub fn record_only() -> Self {
        Self {
            record: Arc::new(RecordExecutor),
            webhook: None,
        }
    }

    /// Organizations with an enabled endpoint in `webhooks` get `executor`.
    pub fn with_webhooks(
        executor: Arc<dyn ActionExecutor>,
        webhooks: Arc<dyn WebhookRepository>,
    ) -> Self {
        Self {
            record: Arc::new(RecordExecutor),
            webhook: Some((executor, webhooks)),
        }
    }
}

impl ExecutorDirectory for ContainmentExecutors {
    fn executor_for(&self, org: OrganizationId) -> RepoResult<Arc<dyn ActionExecutor>> {
        if let Some((executor, webhooks)) = &self.webhook
            && webhooks.get(org)?.is_some_and(|endpoint| endpoint.enabled)
        {
            return Ok(Arc::clone(executor));
        }
        Ok(Arc::clone(&self.record))
    }
}
