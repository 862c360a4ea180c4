//! Events an ingest token brings: stored tagged with its log source and detected on exactly as
//! `DetectionRepository::ingest` does, the token marked used; deleting the log source removes
//! its tokens and status.

use chrono::Duration;
use xdr_domain::detection::{Incident, IncidentFilter, RuleKind};
use xdr_domain::inventory::LogSourceType;
use xdr_domain::ports::{DetectionRepository, IngestRepository, InventoryRepository};
use xdr_domain::{OrganizationId, PageRequest};
use xdr_persistence::Database;

use super::{events_of, failed_logins, found, log_source, stored_rows, stored_token, tally};
use crate::support::{now, tenant};

both_backends!(
    events_carry_their_log_source_and_mark_the_token_used,
    detection_runs_as_for_posted_events,
    deleting_the_log_source_removes_its_tokens_and_status,
);

const ATTACKER: &str = "203.0.113.77";

fn incidents(db: &Database, org: OrganizationId) -> Vec<Incident> {
    db.detection()
        .list_incidents(
            org,
            &IncidentFilter::default(),
            &PageRequest::new(None, Some(100)),
        )
        .unwrap()
}

fn events_carry_their_log_source_and_mark_the_token_used(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = stored_token(db, org.id, source.id);
    let (other_token, _) = stored_token(db, org.id, source.id);
    let at = now();
    let events = failed_logins(org.id, 3, "198.51.100.23", at);
    let outcome = db
        .ingest()
        .ingest_from_source(&found(db, &h), events.clone(), &tally(3, 3, 0, None), at)
        .unwrap();
    assert_eq!(outcome.accepted, 3);
    assert!(
        outcome.incidents_opened.is_empty(),
        "3 is below the threshold"
    );

    let stored = events_of(db, org.id);
    assert_eq!(stored.len(), 3);
    for e in &stored {
        assert_eq!(e.log_source_id, Some(source.id.to_string()));
        assert_eq!(e.agent_id, None);
    }
    let mut ids: Vec<_> = stored.iter().map(|e| e.event.clone()).collect();
    ids.reverse();
    assert_eq!(ids, events, "stored as given");

    let listed = db
        .ingest()
        .list_ingest_tokens(org.id, source.id)
        .unwrap()
        .unwrap();
    let used = |id| listed.iter().find(|t| t.id == id).unwrap().last_used_at;
    assert_eq!(used(token.id), Some(at), "the token that brought them");
    assert_eq!(used(other_token.id), None, "not its sibling");

    let later = at + Duration::seconds(30);
    db.ingest()
        .ingest_from_source(
            &found(db, &h),
            Vec::new(),
            &tally(1, 0, 1, Some("x")),
            later,
        )
        .unwrap();
    let listed = db
        .ingest()
        .list_ingest_tokens(org.id, source.id)
        .unwrap()
        .unwrap();
    let last_used = listed
        .iter()
        .find(|t| t.id == token.id)
        .unwrap()
        .last_used_at;
    assert_eq!(
        last_used,
        Some(later),
        "a request with nothing parsed uses it too"
    );

    // Events posted otherwise carry no log source.
    let posted = failed_logins(org.id, 1, "198.51.100.24", later);
    db.detection().ingest(org.id, posted, later).unwrap();
    let untagged = events_of(db, org.id)
        .into_iter()
        .filter(|e| e.log_source_id.is_none())
        .count();
    assert_eq!(untagged, 1);
}

/// 6 failed logins from one address within 60 s open one `ssh_brute_force` incident; the same
/// batch posted to another organization through `DetectionRepository::ingest` opens the same.
fn detection_runs_as_for_posted_events(db: &Database) {
    let (org, _) = tenant(db);
    let (twin, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (_, h) = stored_token(db, org.id, source.id);
    let at = now();
    let from = found(db, &h);
    let outcome = db
        .ingest()
        .ingest_from_source(
            &from,
            failed_logins(org.id, 6, ATTACKER, at),
            &tally(6, 6, 0, None),
            at,
        )
        .unwrap();
    let posted = db
        .detection()
        .ingest(twin.id, failed_logins(twin.id, 6, ATTACKER, at), at)
        .unwrap();
    assert_eq!(outcome.accepted, 6);
    assert_eq!(outcome.incidents_opened.len(), 1);
    assert!(outcome.incidents_updated.is_empty());
    assert_eq!(
        (
            posted.accepted,
            posted.incidents_opened.len(),
            posted.incidents_updated.len()
        ),
        (6, 1, 0)
    );

    let opened = incidents(db, org.id);
    assert_eq!(opened.len(), 1);
    let incident = &opened[0];
    assert_eq!(incident.id, outcome.incidents_opened[0]);
    assert_eq!(incident.rule, RuleKind::SshBruteForce);
    assert_eq!(incident.src_ip.to_string(), ATTACKER);
    assert_eq!(incident.event_count, 6);
    let twin_incident = &incidents(db, twin.id)[0];
    assert_eq!(
        (
            incident.rule,
            &incident.title,
            incident.severity,
            incident.risk_score,
            incident.event_count,
            incident.first_seen_at,
            incident.last_seen_at
        ),
        (
            twin_incident.rule,
            &twin_incident.title,
            twin_incident.severity,
            twin_incident.risk_score,
            twin_incident.event_count,
            twin_incident.first_seen_at,
            twin_incident.last_seen_at
        ),
        "as `DetectionRepository::ingest` decides"
    );

    // The next failed login grows the incident, as a posted one would.
    let later = at + Duration::seconds(5);
    let grown = db
        .ingest()
        .ingest_from_source(
            &from,
            failed_logins(org.id, 1, ATTACKER, later),
            &tally(1, 1, 0, None),
            later,
        )
        .unwrap();
    assert!(grown.incidents_opened.is_empty());
    assert_eq!(grown.incidents_updated, vec![incident.id]);
    assert_eq!(incidents(db, org.id)[0].event_count, 7);
}

fn deleting_the_log_source_removes_its_tokens_and_status(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let kept = log_source(db, org.id, LogSourceType::Syslog);
    let (_, h) = stored_token(db, org.id, source.id);
    let (_, h2) = stored_token(db, org.id, source.id);
    let (_, kept_hash) = stored_token(db, org.id, kept.id);
    let at = now();
    let from = found(db, &h);
    let repo = db.ingest();
    repo.ingest_from_source(
        &from,
        failed_logins(org.id, 2, ATTACKER, at),
        &tally(2, 2, 0, None),
        at,
    )
    .unwrap();
    repo.ingest_from_source(
        &found(db, &kept_hash),
        Vec::new(),
        &tally(1, 0, 1, None),
        at,
    )
    .unwrap();
    assert_eq!(stored_rows(db, org.id), (3, 2));

    assert!(db.inventory().delete_log_source(org.id, source.id).unwrap());
    assert_eq!(repo.find_ingest_token(&h).unwrap(), None);
    assert_eq!(repo.find_ingest_token(&h2).unwrap(), None);
    assert_eq!(repo.list_ingest_tokens(org.id, source.id).unwrap(), None);
    assert_eq!(
        stored_rows(db, org.id),
        (1, 1),
        "only the other source's are left"
    );
    let statuses = repo.ingest_statuses(org.id, &[source.id, kept.id]).unwrap();
    assert_eq!(statuses.keys().copied().collect::<Vec<_>>(), vec![kept.id]);
    assert_eq!(found(db, &kept_hash).log_source_id, kept.id);
    assert_eq!(
        events_of(db, org.id).len(),
        2,
        "events outlive their log source"
    );

    // A request whose token was found before the deletion counts nothing and fails nothing.
    let late = repo
        .ingest_from_source(&from, Vec::new(), &tally(4, 0, 4, Some("late")), at)
        .unwrap();
    assert_eq!(late.accepted, 0);
    assert_eq!(
        stored_rows(db, org.id),
        (1, 1),
        "no status for a deleted source"
    );
}
