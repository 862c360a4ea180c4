//! Set-based ingest: a batch from many source IPs opens, grows and counts each (rule, source
//! IP) on its own, exactly as batches from one IP do, and an analyst's triage survives growth.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::detection::{
    Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter, IncidentStatus, NewEvent,
};
use xdr_domain::ports::DetectionRepository;
use xdr_domain::{EventId, OrganizationId, PageRequest};
use xdr_persistence::Database;

use crate::support::tenant;

both_backends!(
    many_source_ips_in_one_batch_each_open_and_grow_their_own_incident,
    growth_keeps_what_an_analyst_set,
    a_resolved_incident_never_grows_while_ingest_runs,
);

/// 1,200 addresses: more than one chunk of the set-based reads.
const SOURCES: u32 = 1_200;

fn source(n: u32) -> IpAddr {
    // 198.18.0.0/15 is reserved for benchmarking: never a real host.
    IpAddr::from([198, 18 + ((n >> 16) & 1) as u8, (n >> 8) as u8, n as u8])
}

fn failed_login(org: OrganizationId, src: IpAddr, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        id: EventId::generate(),
        organization_id: org,
        event_type: "cowrie.login.failed".to_owned(),
        src_ip: src,
        dst_ip: None,
        dst_port: Some(22),
        hostname: None,
        username: Some("root".to_owned()),
        message: None,
        raw: None,
        occurred_at: at,
        received_at: at,
    }
}

/// `per_source` failed logins from each of `sources`, one second apart from `at`, in batches
/// of at most 1000 events.
fn ingest_all(
    db: &Database,
    org: OrganizationId,
    sources: impl Iterator<Item = IpAddr> + Clone,
    per_source: i64,
    at: DateTime<Utc>,
) -> (usize, usize) {
    let events: Vec<NewEvent> = (0..per_source)
        .flat_map(|i| {
            sources
                .clone()
                .map(move |src| failed_login(org, src, at + Duration::seconds(i)))
        })
        .collect();
    let (mut opened, mut grown) = (0, 0);
    for chunk in events.chunks(1000) {
        let outcome = db.detection().ingest(org, chunk.to_vec(), at).unwrap();
        assert_eq!(outcome.accepted, chunk.len());
        opened += outcome.incidents_opened.len();
        grown += outcome.incidents_updated.len();
    }
    (opened, grown)
}

fn open_incidents(db: &Database, org: OrganizationId) -> Vec<Incident> {
    let filter = IncidentFilter {
        status: Some(IncidentStatus::Open),
        ..IncidentFilter::default()
    };
    let mut all: Vec<Incident> = Vec::new();
    loop {
        let page = PageRequest::new(all.last().map(|i| i.id.as_uuid()), Some(500));
        let rows = db.detection().list_incidents(org, &filter, &page).unwrap();
        let more = rows.len() > page.limit;
        all.extend(rows.into_iter().take(page.limit));
        if !more {
            return all;
        }
    }
}

fn many_source_ips_in_one_batch_each_open_and_grow_their_own_incident(db: &Database) {
    let org = tenant(db).0.id;
    let other = tenant(db).0.id;
    let t = Utc::now().trunc_subsecs(0) - Duration::minutes(5);
    // Five failed logins each: below the threshold of six, nothing opens.
    let (opened, grown) = ingest_all(db, org, (0..SOURCES).map(source), 5, t);
    assert_eq!((opened, grown), (0, 0));
    // The sixth from every source opens one incident per source, first seen at its first.
    let sixth = t + Duration::seconds(5);
    let (opened, grown) = ingest_all(db, org, (0..SOURCES).map(source), 1, sixth);
    assert_eq!((opened, grown), (SOURCES as usize, 0));
    let incidents = open_incidents(db, org);
    assert_eq!(incidents.len(), SOURCES as usize);
    for incident in &incidents {
        assert_eq!(incident.event_count, 6);
        assert_eq!(incident.first_seen_at, t);
    }
    // Two more from half the sources (600) grow exactly those incidents, once per batch that
    // has events of theirs: the first 1000 events hold one of each and the second of 400, the
    // remaining 200 go in a second batch.
    let half = (0..SOURCES).step_by(2).map(source);
    let (opened, grown) = ingest_all(db, org, half, 2, sixth + Duration::seconds(1));
    assert_eq!(opened, 0);
    assert_eq!(grown, 600 + 200);
    let incidents = open_incidents(db, org);
    assert_eq!(
        incidents.len(),
        SOURCES as usize,
        "one open incident per source"
    );
    for incident in incidents {
        let n = (0..SOURCES)
            .find(|n| source(*n) == incident.src_ip)
            .unwrap();
        let expected = if n % 2 == 0 { 8 } else { 6 };
        assert_eq!(incident.event_count, expected, "{}", incident.src_ip);
    }
    assert!(
        open_incidents(db, other).is_empty(),
        "nothing reaches another organization"
    );
}

fn growth_keeps_what_an_analyst_set(db: &Database) {
    let (org, admin) = tenant(db);
    let (org, admin) = (org.id, admin.id);
    let t = Utc::now().trunc_subsecs(0) - Duration::minutes(5);
    let sources = || (0..3).map(source);
    assert_eq!(ingest_all(db, org, sources(), 6, t), (3, 0));
    let incident = open_incidents(db, org)
        .into_iter()
        .find(|i| i.src_ip == source(1))
        .unwrap();
    let change = IncidentChange {
        assignee_id: Some(Some(admin)),
        note: Some("watching".to_owned()),
        ..IncidentChange::default()
    };
    let outcome = db
        .detection()
        .update_incident(
            org,
            incident.id,
            &change,
            Utc::now(),
            NewAuditEntry::new(org, AuditAction::IncidentUpdated, "incident").actor(admin, None),
        )
        .unwrap();
    assert!(matches!(outcome, IncidentChangeOutcome::Updated(_)));
    assert_eq!(
        ingest_all(db, org, sources(), 1, t + Duration::seconds(6)),
        (0, 3)
    );
    let grown = db
        .detection()
        .get_incident(org, incident.id)
        .unwrap()
        .unwrap();
    assert_eq!(grown.event_count, 7);
    assert_eq!(grown.assignee_id, Some(admin));
    assert_eq!(grown.note.as_deref(), Some("watching"));
    assert_eq!(grown.status, IncidentStatus::Open);
}

/// An analyst resolves an incident while batches keep arriving from its source: the resolved
/// incident keeps exactly what it had when the change returned (no ingest that read it as open
/// grows it afterwards, and the change rolls back no count); later events open a new incident.
fn a_resolved_incident_never_grows_while_ingest_runs(db: &Database) {
    const ROUNDS: usize = 20;
    const BATCHES: i64 = 10;
    for round in 0..ROUNDS {
        let (org, admin) = tenant(db);
        let (org, admin) = (org.id, admin.id);
        let src = source(u32::try_from(round).unwrap());
        let t = Utc::now().trunc_subsecs(0) - Duration::minutes(5);
        ingest_all(db, org, std::iter::once(src), 6, t);
        let incident = open_incidents(db, org).pop().unwrap();
        let ingester = {
            let db = db.clone();
            std::thread::spawn(move || {
                for b in 0..BATCHES {
                    let at = t + Duration::seconds(6 + b);
                    ingest_all(&db, org, std::iter::once(src), 1, at);
                }
            })
        };
        let change = IncidentChange {
            status: Some(IncidentStatus::Resolved),
            note: Some("closed".to_owned()),
            ..IncidentChange::default()
        };
        let audit =
            NewAuditEntry::new(org, AuditAction::IncidentUpdated, "incident").actor(admin, None);
        let outcome = db
            .detection()
            .update_incident(org, incident.id, &change, Utc::now(), audit)
            .unwrap();
        let IncidentChangeOutcome::Updated(resolved) = outcome else {
            panic!("the change applies: {outcome:?}");
        };
        ingester.join().unwrap();
        let stored = db
            .detection()
            .get_incident(org, incident.id)
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, IncidentStatus::Resolved);
        assert_eq!(stored.note.as_deref(), Some("closed"));
        assert_eq!(
            stored.event_count, resolved.event_count,
            "round {round}: a resolved incident grew"
        );
        assert!(stored.event_count >= 6);
        let total: i64 = 6 + BATCHES;
        let reopened = open_incidents(db, org);
        // Every event after the change belongs to the new open incident (when one opened).
        if stored.event_count < total {
            assert_eq!(reopened.len(), 1, "round {round}");
        }
    }
}
