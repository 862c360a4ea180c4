//! The parts of delivery that need no storage: the queue bound and the executor's hand-off.

use std::sync::Arc;

use chrono::Utc;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentAction};
use xdr_domain::detection::{Detection, Incident, RuleKind, Severity};
use xdr_domain::ports::ActionExecutor;
use xdr_domain::telemetry::{DeliveryOutcome, Telemetry};
use xdr_domain::{ActionLogId, IncidentId, OrganizationId};

use super::{SubmitError, WebhookExecutor, delivery_queue};

fn pending_log() -> ActionLog {
    ActionLog {
        id: ActionLogId::generate(),
        organization_id: OrganizationId::generate(),
        incident_id: IncidentId::generate(),
        policy_id: None,
        action: ContainmentAction::BlockIp,
        params: "{}".into(),
        status: ActionStatus::Pending,
        executor: "webhook".into(),
        result: None,
        created_by: None,
        created_at: Utc::now(),
    }
}

#[test]
fn a_full_queue_fails_the_action_instead_of_dropping_it() {
    let (queue, mut inbox) = delivery_queue(1);
    let telemetry = Arc::new(Telemetry::default());
    let executor = WebhookExecutor::new(queue, Arc::clone(&telemetry));
    let first = pending_log();
    assert_eq!(executor.hand_off(&first), None, "queued");
    let second = pending_log();
    let refused = executor.hand_off(&second).unwrap();
    assert_eq!(refused.status, ActionStatus::Failed);
    assert_eq!(
        telemetry.webhook_deliveries.get(DeliveryOutcome::Failed),
        1,
        "counted as a failed delivery"
    );
    assert_eq!(
        refused.result.as_deref(),
        Some("not delivered: the delivery queue is full (1 deliveries waiting)")
    );
    // The queued one is really there, and only it.
    assert_eq!(inbox.try_recv().unwrap().action_id, first.id);
    assert!(inbox.try_recv().is_none());
}

#[test]
fn a_stopped_worker_fails_the_action() {
    let (queue, inbox) = delivery_queue(4);
    drop(inbox);
    let executor = WebhookExecutor::new(queue, Arc::default());
    let refused = executor.hand_off(&pending_log()).unwrap();
    assert_eq!(refused.status, ActionStatus::Failed);
    assert_eq!(
        refused.result.as_deref(),
        Some(SubmitError::Closed.result().as_str())
    );
}

#[test]
fn webhook_actions_start_pending() {
    let (queue, _inbox) = delivery_queue(1);
    let executor = WebhookExecutor::new(queue, Arc::default());
    let now = Utc::now();
    let detection = Detection {
        rule: RuleKind::PortScan,
        src_ip: "203.0.113.7".parse().unwrap(),
        title: "t".into(),
        severity: Severity::High,
        risk_score: 0.9,
        count: 30,
    };
    let incident = Incident::open(OrganizationId::generate(), &detection, now, now);
    let execution = executor.execute(&incident, ContainmentAction::Notify, "{}");
    assert_eq!(executor.name(), "webhook");
    assert_eq!(execution.status, ActionStatus::Pending);
}
