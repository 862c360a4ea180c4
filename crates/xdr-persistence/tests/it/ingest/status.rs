//! A log source's ingest status: every request's tally adds up, the last error and the last
//! event time are kept from an earlier request when a later one has none, and a status is read
//! only by its organization, for the log sources asked.

use std::collections::BTreeMap;

use chrono::Duration;
use xdr_domain::LogSourceId;
use xdr_domain::inventory::{IngestStatus, LogSourceType};
use xdr_domain::ports::IngestRepository;
use xdr_persistence::Database;

use super::{events_of, failed_logins, found, log_source, stored_token, tally};
use crate::support::{now, tenant};

both_backends!(
    requests_add_up_in_the_status,
    a_request_without_valid_events_is_still_counted,
    statuses_are_only_of_the_asked_sources_of_the_caller,
);

const SENDER: &str = "192.0.2.44";

fn status_of(db: &Database, org: xdr_domain::OrganizationId, source: LogSourceId) -> IngestStatus {
    let mut all = db.ingest().ingest_statuses(org, &[source]).unwrap();
    all.remove(&source).expect("a status")
}

fn requests_add_up_in_the_status(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (_, h) = stored_token(db, org.id, source.id);
    let from = found(db, &h);
    let repo = db.ingest();
    let first_at = now() - Duration::minutes(3);
    repo.ingest_from_source(
        &from,
        failed_logins(org.id, 4, SENDER, first_at),
        &tally(5, 4, 1, Some("line 3: not JSON")),
        first_at,
    )
    .unwrap();
    assert_eq!(
        status_of(db, org.id, source.id),
        IngestStatus {
            received: 5,
            parsed: 4,
            rejected: 1,
            last_error: Some("line 3: not JSON".into()),
            last_event_at: Some(first_at),
        }
    );

    let second_at = first_at + Duration::minutes(1);
    repo.ingest_from_source(
        &from,
        failed_logins(org.id, 2, SENDER, second_at),
        &tally(2, 2, 0, None),
        second_at,
    )
    .unwrap();
    assert_eq!(
        status_of(db, org.id, source.id),
        IngestStatus {
            received: 7,
            parsed: 6,
            rejected: 1,
            last_error: Some("line 3: not JSON".into()),
            last_event_at: Some(second_at),
        },
        "summed; the earlier error kept when the later request has none"
    );

    let third_at = second_at + Duration::minutes(1);
    repo.ingest_from_source(
        &from,
        Vec::new(),
        &tally(3, 0, 3, Some("no src_ip")),
        third_at,
    )
    .unwrap();
    let status = status_of(db, org.id, source.id);
    assert_eq!(
        (status.received, status.parsed, status.rejected),
        (10, 6, 4)
    );
    assert_eq!(
        status.last_error.as_deref(),
        Some("no src_ip"),
        "the latest error"
    );
    assert_eq!(
        status.last_event_at,
        Some(second_at),
        "set only by a request that parsed something"
    );
    assert_eq!(events_of(db, org.id).len(), 6);
}

fn a_request_without_valid_events_is_still_counted(db: &Database) {
    let (org, _) = tenant(db);
    let source = log_source(db, org.id, LogSourceType::Cowrie);
    let (token, h) = stored_token(db, org.id, source.id);
    let at = now();
    let outcome = db
        .ingest()
        .ingest_from_source(&found(db, &h), Vec::new(), &tally(2, 0, 2, Some("bad")), at)
        .unwrap();
    assert_eq!(outcome.accepted, 0);
    assert!(outcome.incidents_opened.is_empty() && outcome.incidents_updated.is_empty());
    assert!(events_of(db, org.id).is_empty(), "nothing stored");
    assert_eq!(
        status_of(db, org.id, source.id),
        IngestStatus {
            received: 2,
            parsed: 0,
            rejected: 2,
            last_error: Some("bad".into()),
            last_event_at: None,
        }
    );
    let listed = db
        .ingest()
        .list_ingest_tokens(org.id, source.id)
        .unwrap()
        .unwrap();
    assert_eq!(listed[0].id, token.id);
    assert_eq!(listed[0].last_used_at, Some(at));

    // Even an empty request (nothing received) makes the row, all zero.
    let quiet = log_source(db, org.id, LogSourceType::Syslog);
    let (_, quiet_hash) = stored_token(db, org.id, quiet.id);
    db.ingest()
        .ingest_from_source(
            &found(db, &quiet_hash),
            Vec::new(),
            &tally(0, 0, 0, None),
            at,
        )
        .unwrap();
    assert_eq!(status_of(db, org.id, quiet.id), IngestStatus::default());
}

fn statuses_are_only_of_the_asked_sources_of_the_caller(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let a = log_source(db, org.id, LogSourceType::Cowrie);
    let b = log_source(db, org.id, LogSourceType::Syslog);
    let silent = log_source(db, org.id, LogSourceType::Zeek);
    let theirs = log_source(db, other.id, LogSourceType::Cowrie);
    let at = now();
    let repo = db.ingest();
    for (owner, source, n) in [
        (org.id, a.id, 1),
        (org.id, b.id, 2),
        (other.id, theirs.id, 3),
    ] {
        let (_, h) = stored_token(db, owner, source);
        repo.ingest_from_source(&found(db, &h), Vec::new(), &tally(n, 0, n, None), at)
            .unwrap();
    }
    let received = |m: &BTreeMap<LogSourceId, IngestStatus>| {
        m.iter()
            .map(|(id, s)| (*id, s.received))
            .collect::<Vec<_>>()
    };

    let asked = repo
        .ingest_statuses(org.id, &[a.id, b.id, silent.id, theirs.id])
        .unwrap();
    let mut expected = vec![(a.id, 1), (b.id, 2)];
    expected.sort();
    assert_eq!(
        received(&asked),
        expected,
        "own sources that received anything; never another organization's"
    );
    assert_eq!(
        received(&repo.ingest_statuses(org.id, &[b.id]).unwrap()),
        vec![(b.id, 2)]
    );
    assert!(repo.ingest_statuses(org.id, &[]).unwrap().is_empty());
    assert!(
        repo.ingest_statuses(other.id, &[a.id, b.id])
            .unwrap()
            .is_empty(),
        "another organization asking for this organization's sources gets nothing"
    );
    assert_eq!(
        received(&repo.ingest_statuses(other.id, &[theirs.id, a.id]).unwrap()),
        vec![(theirs.id, 3)]
    );
}
