#![allow(clippy::unwrap_used)]

use super::*;

use OnboardingStep::*;

fn started() -> Onboarding {
    Onboarding::new().start().state
}

fn after(steps: &[OnboardingStep]) -> Onboarding {
    steps
        .iter()
        .fold(started(), |s, step| s.complete_step(*step).unwrap().state)
}

#[test]
fn a_new_organization_has_not_started() {
    let o = Onboarding::new();
    assert_eq!(o.status, OnboardingStatus::NotStarted);
    assert_eq!(o.current_step(), Profile);
    assert_eq!(o.complete_step(Profile), Err(WizardError::NotStarted));
    assert_eq!(o.complete(true, true), Err(WizardError::NotStarted));
}

#[test]
fn steps_complete_in_order() {
    let t = Onboarding::new().start();
    assert!(t.changed);
    assert_eq!(t.state.status, OnboardingStatus::InProgress);
    assert!(!t.state.start().changed, "starting again changes nothing");
    let o = after(&[Profile, NetworkScan]);
    assert_eq!(o.current_step(), Agents);
    assert_eq!(o.completed_steps(), &[Profile, NetworkScan]);
    let o = after(&[Profile, NetworkScan, Agents, Validation]);
    assert_eq!(o.current_step(), Done);
}

#[test]
fn a_step_before_its_turn_names_the_due_step() {
    assert_eq!(
        started().complete_step(Agents),
        Err(WizardError::StepOutOfOrder { due: Profile })
    );
    assert_eq!(
        after(&[Profile]).complete_step(Validation),
        Err(WizardError::StepOutOfOrder { due: NetworkScan })
    );
    assert_eq!(
        after(&[Profile, NetworkScan, Agents, Validation]).complete_step(Done),
        Err(WizardError::StepOutOfOrder { due: Done })
    );
}

#[test]
fn a_step_done_again_changes_nothing() {
    let o = after(&[Profile, NetworkScan]);
    let again = o.complete_step(Profile).unwrap();
    assert!(!again.changed);
    assert_eq!(again.state, o);
}

#[test]
fn completion_needs_every_step_and_passed_validation_unless_forced() {
    assert_eq!(
        after(&[Profile, NetworkScan]).complete(true, true),
        Err(WizardError::StepOutOfOrder { due: Agents })
    );
    let ready = after(&[Profile, NetworkScan, Agents]);
    assert_eq!(
        ready.complete(false, false),
        Err(WizardError::ValidationFailed)
    );
    let forced = ready.complete(false, true).unwrap();
    assert!(forced.changed);
    assert_eq!(forced.state.status, OnboardingStatus::Completed);
    assert_eq!(forced.state.current_step(), Done);
    let passed = ready.complete(true, false).unwrap().state;
    assert_eq!(passed.status, OnboardingStatus::Completed);
    assert!(!passed.complete(false, false).unwrap().changed);
    // Validation already passed: completing needs no further check.
    let validated = after(&[Profile, NetworkScan, Agents, Validation]);
    assert!(validated.complete(false, false).is_ok());
}

#[test]
fn skipping_keeps_the_progress_and_start_resumes_it() {
    let skipped = after(&[Profile]).skip().unwrap().state;
    assert_eq!(skipped.status, OnboardingStatus::Skipped);
    assert_eq!(
        skipped.complete_step(NetworkScan),
        Err(WizardError::NotStarted)
    );
    assert!(!skipped.skip().unwrap().changed);
    let resumed = skipped.start().state;
    assert_eq!(resumed.status, OnboardingStatus::InProgress);
    assert_eq!(resumed.current_step(), NetworkScan);
    assert!(Onboarding::new().skip().unwrap().changed);
    let done = after(&[Profile, NetworkScan, Agents])
        .complete(true, false)
        .unwrap()
        .state;
    assert_eq!(done.skip(), Err(WizardError::AlreadyCompleted));
}

#[test]
fn a_restored_state_keeps_only_an_ordered_prefix() {
    let o = Onboarding::restore(OnboardingStatus::InProgress, &[Agents, Profile]);
    assert_eq!(o.completed_steps(), &[Profile]);
    assert_eq!(o.current_step(), NetworkScan);
}

#[test]
fn names_round_trip() {
    for step in OnboardingStep::ALL {
        assert_eq!(step.as_str().parse::<OnboardingStep>().unwrap(), *step);
    }
    assert!("later".parse::<OnboardingStatus>().is_err());
}
