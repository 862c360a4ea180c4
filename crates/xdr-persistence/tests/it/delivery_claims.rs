//! Webhook delivery claims: of many callers (threads here, server instances in production)
//! exactly one claims a pending action; a claim hides it from the sweeps until it expires;
//! a concluded action is never claimed again; another organization cannot claim it.

use std::sync::{Arc, Barrier};
use std::thread;

use chrono::{DateTime, Duration, Utc};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentAction};
use xdr_domain::{ActionLogId, OrganizationId};
use xdr_persistence::Database;

use crate::row_level_security::seed::open_incident;
use crate::support::{now, tenant};

const EXECUTOR: &str = "webhook";

fn pending_action(db: &Database, org: OrganizationId, created_at: DateTime<Utc>) -> ActionLogId {
    let action = ActionLog {
        id: ActionLogId::generate(),
        organization_id: org,
        incident_id: open_incident(db, org),
        policy_id: None,
        action: ContainmentAction::Notify,
        params: "{}".into(),
        status: ActionStatus::Pending,
        executor: EXECUTOR.into(),
        result: None,
        created_by: None,
        created_at,
    };
    let audit = NewAuditEntry::new(org, AuditAction::ActionExecuted, "action");
    db.repositories()
        .containment
        .record_action(&action, &audit)
        .unwrap();
    action.id
}

/// The sweep's answer, for the actions of this test only.
fn swept(
    db: &Database,
    id: ActionLogId,
    now: DateTime<Utc>,
    unclaimed_before: DateTime<Utc>,
) -> bool {
    db.repositories()
        .containment
        .pending_actions(EXECUTOR, now, unclaimed_before, None, 10_000)
        .unwrap()
        .iter()
        .any(|a| a.id == id)
}

fn one_of_many_claims_and_the_claim_expires(db: &Database) {
    const CLAIMANTS: usize = 8;
    let (org, _) = tenant(db);
    let t0 = now();
    let id = pending_action(db, org.id, t0);
    // Never claimed: a sweep takes it only once it is older than the grace it allows.
    assert!(swept(db, id, t0, t0 + Duration::seconds(1)));
    assert!(!swept(db, id, t0, t0 - Duration::seconds(1)));

    let until = t0 + Duration::minutes(5);
    let barrier = Arc::new(Barrier::new(CLAIMANTS));
    let claims: Vec<bool> = (0..CLAIMANTS)
        .map(|_| {
            let (db, barrier) = (db.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                db.repositories()
                    .containment
                    .claim_action(org.id, id, t0, until)
                    .unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");

    let repo = db.repositories().containment;
    // Held: no sweep sees it and nobody else claims it until the claim expires.
    let later = t0 + Duration::minutes(4);
    assert!(!swept(db, id, later, later));
    assert!(
        !repo
            .claim_action(org.id, id, later, later + Duration::minutes(5))
            .unwrap()
    );
    // Expired (its claimant died): swept again, and claimed by the next one.
    let expired = until + Duration::seconds(1);
    assert!(swept(db, id, expired, t0));
    assert!(
        repo.claim_action(org.id, id, expired, expired + Duration::minutes(5))
            .unwrap()
    );

    // Concluded: never claimed or swept again, even once the claim expired.
    assert!(
        repo.finish_action(
            org.id,
            id,
            ActionStatus::Succeeded,
            "HTTP 200 after 1 attempt"
        )
        .unwrap()
    );
    let much_later = expired + Duration::hours(1);
    assert!(
        !repo
            .claim_action(org.id, id, much_later, much_later + Duration::minutes(5))
            .unwrap()
    );
    assert!(!swept(db, id, much_later, much_later));
}

fn another_organization_cannot_claim(db: &Database) {
    let (acme, _) = tenant(db);
    let (globex, _) = tenant(db);
    let t0 = now();
    let id = pending_action(db, acme.id, t0);
    let repo = db.repositories().containment;
    let until = t0 + Duration::minutes(5);
    assert!(!repo.claim_action(globex.id, id, t0, until).unwrap());
    assert!(repo.claim_action(acme.id, id, t0, until).unwrap());
}

both_backends!(
    one_of_many_claims_and_the_claim_expires,
    another_organization_cannot_claim,
);
