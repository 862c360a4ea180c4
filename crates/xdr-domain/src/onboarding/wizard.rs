//! The onboarding wizard: profile → network scan → agents → validation → done, in that order,
//! or skipped. Each operation returns the next state and whether it changed anything (only
//! changes are audited); a step posted before the one that is due is refused with the due step.

use thiserror::Error;

use crate::closed_set::closed_set;

closed_set!(
    OnboardingStatus {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Completed => "completed",
        Skipped => "skipped",
    }
);

closed_set!(
    /// The wizard's steps, in order; `Done` follows the last.
    OnboardingStep {
        Profile => "profile",
        NetworkScan => "network_scan",
        Agents => "agents",
        Validation => "validation",
        Done => "done",
    }
);

/// The steps that complete, in order.
const STEPS: [OnboardingStep; 4] = [
    OnboardingStep::Profile,
    OnboardingStep::NetworkScan,
    OnboardingStep::Agents,
    OnboardingStep::Validation,
];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WizardError {
    #[error("onboarding has not been started")]
    NotStarted,
    #[error("onboarding is already completed")]
    AlreadyCompleted,
    #[error("the {due} step is due first")]
    StepOutOfOrder { due: OnboardingStep },
    #[error("validation has not passed; complete with force to finish anyway")]
    ValidationFailed,
}

/// An organization's progress through the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    pub status: OnboardingStatus,
    /// A prefix of the steps, in order.
    completed: Vec<OnboardingStep>,
}

/// The state after an operation, and whether the operation changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub state: Onboarding,
    pub changed: bool,
}

impl Default for Onboarding {
    fn default() -> Self {
        Self::new()
    }
}

impl Onboarding {
    pub fn new() -> Self {
        Self {
            status: OnboardingStatus::NotStarted,
            completed: Vec::new(),
        }
    }

    /// Rebuilds a stored state; steps that are not a prefix of the order are dropped from the
    /// first gap on (storage can hold nothing else, but the rule is the domain's).
    pub fn restore(status: OnboardingStatus, completed: &[OnboardingStep]) -> Self {
        let completed = STEPS
            .iter()
            .copied()
            .take_while(|s| completed.contains(s))
            .collect();
        Self { status, completed }
    }

    pub fn completed_steps(&self) -> &[OnboardingStep] {
        &self.completed
    }

    /// The first step not completed, or `Done`.
    pub fn current_step(&self) -> OnboardingStep {
        STEPS
            .get(self.completed.len())
            .copied()
            .unwrap_or(OnboardingStep::Done)
    }

    fn unchanged(&self) -> Transition {
        Transition {
            state: self.clone(),
            changed: false,
        }
    }

    fn becomes(status: OnboardingStatus, completed: Vec<OnboardingStep>) -> Transition {
        Transition {
            state: Onboarding { status, completed },
            changed: true,
        }
    }

    /// Starts the wizard, or resumes a skipped one where it was left. Starting again is a no-op.
    pub fn start(&self) -> Transition {
        match self.status {
            OnboardingStatus::NotStarted | OnboardingStatus::Skipped => {
                Self::becomes(OnboardingStatus::InProgress, self.completed.clone())
            }
            OnboardingStatus::InProgress | OnboardingStatus::Completed => self.unchanged(),
        }
    }

    fn require_started(&self) -> Result<(), WizardError> {
        match self.status {
            OnboardingStatus::NotStarted | OnboardingStatus::Skipped => {
                Err(WizardError::NotStarted)
            }
            OnboardingStatus::InProgress | OnboardingStatus::Completed => Ok(()),
        }
    }

    /// Marks `step` done: it must be the due step (or done already: a no-op, e.g. a profile
    /// posted again, or a second scan).
    pub fn complete_step(&self, step: OnboardingStep) -> Result<Transition, WizardError> {
        self.require_started()?;
        if self.completed.contains(&step) {
            return Ok(self.unchanged());
        }
        let due = self.current_step();
        if step != due || step == OnboardingStep::Done {
            return Err(WizardError::StepOutOfOrder { due });
        }
        let mut completed = self.completed.clone();
        completed.push(step);
        Ok(Self::becomes(self.status, completed))
    }

    /// Finishes the wizard: every step before validation done, and validation passed unless
    /// `force`d (which then completes validation too).
    pub fn complete(&self, all_passed: bool, force: bool) -> Result<Transition, WizardError> {
        self.require_started()?;
        if self.status == OnboardingStatus::Completed {
            return Ok(self.unchanged());
        }
        let due = self.current_step();
        if due != OnboardingStep::Validation && due != OnboardingStep::Done {
            return Err(WizardError::StepOutOfOrder { due });
        }
        if due == OnboardingStep::Validation && !all_passed && !force {
            return Err(WizardError::ValidationFailed);
        }
        Ok(Self::becomes(OnboardingStatus::Completed, STEPS.to_vec()))
    }

    /// Leaves the wizard for later; the steps done so far are kept.
    pub fn skip(&self) -> Result<Transition, WizardError> {
        match self.status {
            OnboardingStatus::Completed => Err(WizardError::AlreadyCompleted),
            OnboardingStatus::Skipped => Ok(self.unchanged()),
            OnboardingStatus::NotStarted | OnboardingStatus::InProgress => Ok(Self::becomes(
                OnboardingStatus::Skipped,
                self.completed.clone(),
            )),
        }
    }
}

#[cfg(test)]
#[path = "wizard_tests.rs"]
mod tests;
