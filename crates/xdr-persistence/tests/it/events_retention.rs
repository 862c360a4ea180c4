//! Event retention (`EventRetentionRepository`): only events received before the cutoff go,
//! a bounded batch at a time and one organization at a time; incidents and everything that
//! points at them stay whole.

use chrono::{DateTime, Duration, Utc};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::detection::{
    EventFilter, EventInput, IncidentChange, IncidentChangeOutcome, IncidentFilter, IncidentStatus,
    validate_batch,
};
use xdr_domain::ports::{DetectionRepository, EventRetentionRepository};
use xdr_domain::{OrganizationId, PageRequest};
use xdr_persistence::Database;

use crate::support::tenant;

both_backends!(
    only_events_received_before_the_cutoff_go_in_bounded_batches,
    a_batch_starts_after_the_given_id,
    an_organization_is_pruned_on_its_own,
    counting_deletes_nothing,
    incidents_outlive_their_events,
);

fn failed_logins(n: usize, src_ip: &str) -> Vec<EventInput> {
    (0..n)
        .map(|_| EventInput {
            event_type: "cowrie.login.failed".into(),
            src_ip: src_ip.into(),
            dst_port: Some(22),
            username: Some("root".into()),
            ..EventInput::default()
        })
        .collect()
}

/// Stores `n` events from `src_ip` as received `days_ago`, as the ingest service does.
fn receive(db: &Database, org: OrganizationId, n: usize, src_ip: &str, days_ago: i64) {
    let at = Utc::now() - Duration::days(days_ago);
    let batch = validate_batch(org, &failed_logins(n, src_ip), at).unwrap();
    assert_eq!(db.detection().ingest(org, batch, at).unwrap().accepted, n);
}

fn stored(db: &Database, org: OrganizationId) -> usize {
    db.detection()
        .list_events(
            org,
            &EventFilter::default(),
            &PageRequest::new(None, Some(500)),
        )
        .unwrap()
        .len()
}

fn thirty_days_ago() -> DateTime<Utc> {
    Utc::now() - Duration::days(30)
}

fn only_events_received_before_the_cutoff_go_in_bounded_batches(db: &Database) {
    let (org, _) = tenant(db);
    receive(db, org.id, 25, "198.51.100.1", 40);
    receive(db, org.id, 5, "198.51.100.2", 31);
    receive(db, org.id, 7, "198.51.100.3", 29);
    let repo = db.detection();
    let before = thirty_days_ago();
    // Each batch resumes after the previous one, as `mini-xdr` runs them.
    let mut after = None;
    let mut batches = Vec::new();
    loop {
        let batch = repo.prune_events_before(org.id, before, after, 10).unwrap();
        batches.push(batch.deleted);
        let Some(last) = batch.resume_after else {
            break;
        };
        assert!(after.is_none_or(|a| a < last));
        after = Some(last);
    }
    assert_eq!(
        batches,
        [10, 10, 10, 0],
        "a full batch is followed by one more look"
    );
    assert_eq!(stored(db, org.id), 7, "the events of 29 days ago stay");
    assert!(
        repo.organizations_with_events_before(before)
            .unwrap()
            .is_empty()
    );
    // A run from the start again finds nothing.
    let again = repo.prune_events_before(org.id, before, None, 10).unwrap();
    assert_eq!((again.deleted, again.resume_after), (0, None));
}

/// `after` bounds the range: what precedes it is left to a later run.
fn a_batch_starts_after_the_given_id(db: &Database) {
    let (org, _) = tenant(db);
    receive(db, org.id, 4, "198.51.100.1", 50);
    receive(db, org.id, 4, "198.51.100.1", 40);
    let repo = db.detection();
    let first = repo
        .prune_events_before(org.id, thirty_days_ago(), None, 4)
        .unwrap();
    assert_eq!(first.deleted, 4);
    let resume = first.resume_after.unwrap();
    receive(db, org.id, 3, "198.51.100.1", 60);
    let next = repo
        .prune_events_before(org.id, thirty_days_ago(), Some(resume), 100)
        .unwrap();
    assert_eq!((next.deleted, next.resume_after), (4, None));
    assert_eq!(
        stored(db, org.id),
        3,
        "the 60-day-old events precede `after`"
    );
}

fn an_organization_is_pruned_on_its_own(db: &Database) {
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let (young, _) = tenant(db);
    receive(db, a.id, 4, "198.51.100.1", 40);
    receive(db, b.id, 3, "198.51.100.1", 40);
    receive(db, young.id, 2, "198.51.100.1", 1);
    let repo = db.detection();
    let before = thirty_days_ago();
    let mut expected = vec![a.id, b.id];
    expected.sort_by_key(ToString::to_string);
    assert_eq!(
        repo.organizations_with_events_before(before).unwrap(),
        expected
    );
    assert_eq!(
        repo.prune_events_before(a.id, before, None, 100)
            .unwrap()
            .deleted,
        4
    );
    assert_eq!((stored(db, a.id), stored(db, b.id)), (0, 3));
    assert_eq!(
        repo.organizations_with_events_before(before).unwrap(),
        vec![b.id]
    );
    assert_eq!(
        repo.prune_events_before(b.id, before, None, 100)
            .unwrap()
            .deleted,
        3
    );
    assert_eq!(stored(db, young.id), 2);
}

fn counting_deletes_nothing(db: &Database) {
    let (org, _) = tenant(db);
    receive(db, org.id, 6, "198.51.100.1", 40);
    receive(db, org.id, 2, "198.51.100.1", 2);
    let repo = db.detection();
    assert_eq!(
        repo.count_events_before(org.id, thirty_days_ago()).unwrap(),
        6
    );
    assert_eq!(stored(db, org.id), 8);
}

/// An incident references no event row: its counts, times, status, triage and actions stay,
/// and its detail lists the events still kept (none here).
fn incidents_outlive_their_events(db: &Database) {
    let (org, admin) = tenant(db);
    // Six failed logins within a minute open an ssh_brute_force incident.
    receive(db, org.id, 6, "198.51.100.9", 40);
    let repo = db.detection();
    let all = IncidentFilter::default();
    let page = PageRequest::new(None, Some(50));
    let incident = repo.list_incidents(org.id, &all, &page).unwrap().remove(0);
    assert_eq!(
        repo.incident_events(org.id, &incident, 50).unwrap().len(),
        6
    );

    let pruned = repo
        .prune_events_before(org.id, thirty_days_ago(), None, 100)
        .unwrap();
    assert_eq!((pruned.deleted, pruned.resume_after), (6, None));

    let kept = repo.get_incident(org.id, incident.id).unwrap().unwrap();
    assert_eq!(kept, incident, "the incident is untouched");
    assert!(repo.incident_events(org.id, &kept, 50).unwrap().is_empty());
    let change = IncidentChange {
        status: Some(IncidentStatus::Resolved),
        assignee_id: Some(Some(admin.id)),
        note: Some("events past retention".into()),
    };
    let audit = NewAuditEntry::new(org.id, AuditAction::IncidentUpdated, "incident");
    let outcome = repo
        .update_incident(org.id, incident.id, &change, Utc::now(), audit)
        .unwrap();
    assert!(
        matches!(outcome, IncidentChangeOutcome::Updated(ref i) if i.status == IncidentStatus::Resolved),
        "{outcome:?}"
    );
    assert_eq!(repo.list_incidents(org.id, &all, &page).unwrap().len(), 1);
}
