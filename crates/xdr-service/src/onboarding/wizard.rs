//! The wizard's operations. Each runs under the organization's lock (`update_onboarding`):
//! the steps that complete by themselves (network scan: a scan has completed; agents: an
//! agent has reported) are caught up first, then the operation applies, then they are caught
//! up again, each change audited.

use std::sync::Arc;

use serde_json::json;
use xdr_auth::audit_trail::by_principal;
use xdr_auth::{ClientInfo, Principal, blocking};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::identity::Role;
use xdr_domain::onboarding::{
    Onboarding, OnboardingStatus, OnboardingStep, Profile, Transition, WizardError,
};
use xdr_domain::ports::{OnboardingRecord, OnboardingUpdate};

use super::{OnboardingError, OnboardingService};
use crate::access::require;

const RESOURCE_ONBOARDING: &str = "onboarding";

/// The wizard as `GET /onboarding/status` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardView {
    pub status: OnboardingStatus,
    pub current_step: OnboardingStep,
    pub completed_steps: Vec<OnboardingStep>,
    pub profile: Option<Profile>,
}

impl From<OnboardingRecord> for WizardView {
    fn from(r: OnboardingRecord) -> Self {
        Self {
            status: r.onboarding.status,
            current_step: r.onboarding.current_step(),
            completed_steps: r.onboarding.completed_steps().to_vec(),
            profile: r.profile,
        }
    }
}

/// What the caller asks of the wizard.
#[derive(Debug, Clone)]
enum Operation {
    /// Nothing but the catch-up.
    Read,
    Start,
    Profile(Profile),
    Complete {
        all_passed: bool,
        force: bool,
    },
    Skip,
}

/// The facts the self-completing steps depend on, read before the update.
#[derive(Debug, Clone, Copy)]
struct Facts {
    scan_completed: bool,
    agent_reported: bool,
}

/// Applies `t` to `state`, noting the audit entry it deserves when it changed something.
fn apply(
    state: &mut Onboarding,
    t: Transition,
    audits: &mut Vec<NewAuditEntry>,
    audit: impl FnOnce() -> NewAuditEntry,
) {
    if t.changed {
        *state = t.state;
        audits.push(audit());
    }
}

fn catch_up(
    state: &mut Onboarding,
    facts: Facts,
    audits: &mut Vec<NewAuditEntry>,
    entry: &dyn Fn(AuditAction) -> NewAuditEntry,
) {
    if state.status != OnboardingStatus::InProgress {
        return;
    }
    loop {
        let step = state.current_step();
        let done = match step {
            OnboardingStep::NetworkScan => facts.scan_completed,
            OnboardingStep::Agents => facts.agent_reported,
            _ => false,
        };
        let Some(t) = done.then(|| state.complete_step(step).ok()).flatten() else {
            return;
        };
        if !t.changed {
            return;
        }
        apply(state, t, audits, || {
            entry(AuditAction::OnboardingStepCompleted).details(json!({ "step": step.as_str() }))
        });
    }
}

fn decide(
    record: &OnboardingRecord,
    operation: &Operation,
    facts: Facts,
    entry: &dyn Fn(AuditAction) -> NewAuditEntry,
) -> Result<OnboardingUpdate, WizardError> {
    let mut state = record.onboarding.clone();
    let mut profile = record.profile.clone();
    let mut forced = record.forced;
    let mut audits = Vec::new();
    catch_up(&mut state, facts, &mut audits, entry);
    match operation {
        Operation::Read => {}
        Operation::Start => {
            let t = state.start();
            apply(&mut state, t, &mut audits, || {
                entry(AuditAction::OnboardingStarted)
            });
        }
        Operation::Profile(p) => {
            let t = state.complete_step(OnboardingStep::Profile)?;
            if t.changed {
                profile = Some(p.clone());
            }
            apply(&mut state, t, &mut audits, || {
                entry(AuditAction::OnboardingStepCompleted).details(json!({ "step": "profile" }))
            });
        }
        Operation::Complete { all_passed, force } => {
            let t = state.complete(*all_passed, *force)?;
            let was_forced = *force && !*all_passed && t.changed;
            forced = forced || was_forced;
            apply(&mut state, t, &mut audits, || {
                entry(AuditAction::OnboardingCompleted).details(json!({ "forced": was_forced }))
            });
        }
        Operation::Skip => {
            let t = state.skip()?;
            apply(&mut state, t, &mut audits, || {
                entry(AuditAction::OnboardingSkipped)
            });
        }
    }
    catch_up(&mut state, facts, &mut audits, entry);
    Ok(OnboardingUpdate {
        record: OnboardingRecord {
            onboarding: state,
            profile,
            forced,
        },
        audits,
    })
}

impl OnboardingService {
    async fn facts(&self, principal: &Principal) -> Result<Facts, OnboardingError> {
        let org = principal.organization_id;
        let ports = Arc::clone(&self.ports);
        let scan_completed =
            blocking::run(move || ports.onboarding.has_completed_scan(org)).await?;
        let agent_reported = self.ports.agents.has_reporting_agent(principal).await?;
        Ok(Facts {
            scan_completed,
            agent_reported,
        })
    }

    async fn operate(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        operation: Operation,
    ) -> Result<WizardView, OnboardingError> {
        require(principal, Role::Admin)?;
        let facts = self.facts(principal).await?;
        let org = principal.organization_id;
        let (principal, client) = (*principal, client.clone());
        let ports = Arc::clone(&self.ports);
        let now = self.clock.now();
        let result = blocking::run(move || {
            let entry = |action| {
                by_principal(&principal, action, RESOURCE_ONBOARDING, &client).resource(org)
            };
            ports.onboarding.update_onboarding(org, now, &|record| {
                decide(record, &operation, facts, &entry)
            })
        })
        .await?;
        result
            .map(WizardView::from)
            .map_err(OnboardingError::Wizard)
    }

    pub async fn status(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<WizardView, OnboardingError> {
        self.operate(principal, client, Operation::Read).await
    }

    pub async fn start(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<WizardView, OnboardingError> {
        self.operate(principal, client, Operation::Start).await
    }

    pub async fn set_profile(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        profile: Profile,
    ) -> Result<WizardView, OnboardingError> {
        self.operate(principal, client, Operation::Profile(profile))
            .await
    }

    /// Finishes the wizard: validation runs first; `force` finishes it although a check
    /// failed (audited as forced).
    pub async fn complete(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        force: bool,
    ) -> Result<WizardView, OnboardingError> {
        require(principal, Role::Admin)?;
        let all_passed = self.validate(principal).await?.all_passed;
        self.operate(principal, client, Operation::Complete { all_passed, force })
            .await
    }

    pub async fn skip(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<WizardView, OnboardingError> {
        self.operate(principal, client, Operation::Skip).await
    }
}
