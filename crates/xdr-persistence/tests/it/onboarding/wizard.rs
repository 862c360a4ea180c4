//! The wizard's record, its mirror on `organizations.onboarding_status` and its audit entries.

use xdr_domain::OrganizationId;
use xdr_domain::audit::AuditAction;
use xdr_domain::onboarding::{
    CompanySize, Onboarding, OnboardingStatus, OnboardingStep, Profile, WizardError,
};
use xdr_domain::ports::{
    OnboardingRecord, OnboardingRepository, OnboardingUpdate, OrganizationRepository,
};
use xdr_persistence::Database;

use super::{actions, audit};
use crate::support::{now, tenant};

fn profile() -> Profile {
    Profile::parse("eu-west", "finance", "51-200").unwrap()
}

fn status_of(db: &Database, org: OrganizationId) -> OnboardingStatus {
    db.organizations()
        .get(org)
        .unwrap()
        .unwrap()
        .onboarding_status
}

/// Applies `step` as the wizard would: the next record and one audit entry when it changed.
fn step(
    db: &Database,
    org: OrganizationId,
    step: impl Fn(&Onboarding) -> Result<xdr_domain::onboarding::Transition, WizardError>,
    action: AuditAction,
    forced: bool,
) -> Result<OnboardingRecord, WizardError> {
    db.onboarding()
        .update_onboarding(org, now(), &|record| {
            let t = step(&record.onboarding)?;
            Ok(OnboardingUpdate {
                record: OnboardingRecord {
                    onboarding: t.state,
                    profile: Some(profile()),
                    forced: record.forced || forced,
                },
                audits: if t.changed {
                    vec![audit(org, action, org)]
                } else {
                    Vec::new()
                },
            })
        })
        .unwrap()
}

/// From never started to completed (forced), each step stored, mirrored and audited.
fn wizard_round_trip(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let fresh = OnboardingRecord {
        onboarding: Onboarding::new(),
        profile: None,
        forced: false,
    };
    assert_eq!(repo.onboarding(org.id).unwrap(), fresh);
    let before = actions(db, org.id);

    let started = step(
        db,
        org.id,
        |o| Ok(o.start()),
        AuditAction::OnboardingStarted,
        false,
    );
    let started = started.unwrap();
    assert_eq!(started.onboarding.status, OnboardingStatus::InProgress);
    assert_eq!(started.profile, Some(profile()));
    assert_eq!(repo.onboarding(org.id).unwrap(), started);
    assert_eq!(status_of(db, org.id), OnboardingStatus::InProgress);

    for s in [OnboardingStep::Profile, OnboardingStep::NetworkScan] {
        let done = step(
            db,
            org.id,
            |o| o.complete_step(s),
            AuditAction::OnboardingStepCompleted,
            false,
        );
        assert!(done.unwrap().onboarding.completed_steps().contains(&s));
    }
    let stored = repo.onboarding(org.id).unwrap();
    assert_eq!(
        stored.onboarding.completed_steps(),
        [OnboardingStep::Profile, OnboardingStep::NetworkScan]
    );
    assert_eq!(stored.onboarding.current_step(), OnboardingStep::Agents);
    assert_eq!(
        stored.profile.as_ref().map(|p| p.company_size),
        Some(CompanySize::Medium)
    );

    let agents = step(
        db,
        org.id,
        |o| o.complete_step(OnboardingStep::Agents),
        AuditAction::OnboardingStepCompleted,
        false,
    );
    assert!(agents.is_ok());
    let completed = step(
        db,
        org.id,
        |o| o.complete(false, true),
        AuditAction::OnboardingCompleted,
        true,
    );
    let completed = completed.unwrap();
    assert_eq!(completed.onboarding.status, OnboardingStatus::Completed);
    assert!(completed.forced);
    assert_eq!(repo.onboarding(org.id).unwrap(), completed);
    assert_eq!(completed.onboarding.completed_steps().len(), 4);
    assert_eq!(status_of(db, org.id), OnboardingStatus::Completed);

    let added: Vec<AuditAction> = actions(db, org.id).split_off(before.len());
    assert_eq!(
        added,
        vec![
            AuditAction::OnboardingStarted,
            AuditAction::OnboardingStepCompleted,
            AuditAction::OnboardingStepCompleted,
            AuditAction::OnboardingStepCompleted,
            AuditAction::OnboardingCompleted,
        ]
    );
    // The other organization's wizard never moved.
    assert_eq!(repo.onboarding(other.id).unwrap(), fresh);
    assert_eq!(status_of(db, other.id), OnboardingStatus::NotStarted);
    assert_eq!(actions(db, other.id).len(), 1);
}

/// A refusal, and an update without audit entries, write nothing at all.
fn refusals_and_no_ops_write_nothing(db: &Database) {
    let (org, _) = tenant(db);
    let repo = db.onboarding();
    let refused = step(
        db,
        org.id,
        |o| o.complete_step(OnboardingStep::Profile),
        AuditAction::OnboardingStepCompleted,
        false,
    );
    assert_eq!(refused, Err(WizardError::NotStarted));
    let started = step(
        db,
        org.id,
        |o| Ok(o.start()),
        AuditAction::OnboardingStarted,
        false,
    )
    .unwrap();
    let out_of_order = step(
        db,
        org.id,
        |o| o.complete_step(OnboardingStep::Agents),
        AuditAction::OnboardingStepCompleted,
        false,
    );
    assert_eq!(
        out_of_order,
        Err(WizardError::StepOutOfOrder {
            due: OnboardingStep::Profile
        })
    );
    let audited = actions(db, org.id);

    // Starting again changes nothing: no audit entry, so the record comes back as it was
    // read, whatever the closure proposed.
    let again = repo
        .update_onboarding(org.id, now(), &|_| {
            Ok(OnboardingUpdate {
                record: OnboardingRecord {
                    onboarding: Onboarding::restore(OnboardingStatus::Skipped, &[]),
                    profile: None,
                    forced: true,
                },
                audits: Vec::new(),
            })
        })
        .unwrap()
        .unwrap();
    assert_eq!(again, started);
    assert_eq!(repo.onboarding(org.id).unwrap(), started);
    assert_eq!(status_of(db, org.id), OnboardingStatus::InProgress);
    assert_eq!(actions(db, org.id), audited);

    // Skipping is stored and mirrored; the steps done so far are kept.
    let skipped = step(
        db,
        org.id,
        Onboarding::skip,
        AuditAction::OnboardingSkipped,
        false,
    )
    .unwrap();
    assert_eq!(skipped.onboarding.status, OnboardingStatus::Skipped);
    assert_eq!(status_of(db, org.id), OnboardingStatus::Skipped);
    assert_eq!(
        actions(db, org.id).last(),
        Some(&AuditAction::OnboardingSkipped)
    );
}

/// An audit entry of another organization is refused, and nothing is written.
fn an_entry_of_another_organization_is_refused(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let repo = db.onboarding();
    let result = repo.update_onboarding(org.id, now(), &|record| {
        Ok(OnboardingUpdate {
            record: OnboardingRecord {
                onboarding: record.onboarding.start().state,
                profile: None,
                forced: false,
            },
            audits: vec![audit(other.id, AuditAction::OnboardingStarted, org.id)],
        })
    });
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        repo.onboarding(org.id).unwrap().onboarding,
        Onboarding::new()
    );
    assert_eq!(status_of(db, org.id), OnboardingStatus::NotStarted);
    assert_eq!(actions(db, org.id).len(), 1);
    assert_eq!(actions(db, other.id).len(), 1);
}

both_backends!(
    wizard_round_trip,
    refusals_and_no_ops_write_nothing,
    an_entry_of_another_organization_is_refused,
);
