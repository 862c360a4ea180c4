//! Event batches of agents: stored once per batch id, each event carrying its agent.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use xdr_domain::detection::{EventFilter, NewEvent};
use xdr_domain::ports::{AgentRepository, BatchOutcome, DetectionRepository};
use xdr_domain::{EventId, OrganizationId, PageRequest};
use xdr_persistence::Database;

use super::enrolled;
use crate::support::{now, tenant};

both_backends!(a_batch_sent_again_is_stored_once_with_its_agent);

fn event(org: OrganizationId, at: DateTime<Utc>) -> NewEvent {
    NewEvent {
        id: EventId::generate(),
        organization_id: org,
        event_type: "process.started".to_owned(),
        src_ip: "192.0.2.10".parse().unwrap(),
        dst_ip: None,
        dst_port: None,
        hostname: Some("web-1".to_owned()),
        username: None,
        message: None,
        raw: None,
        occurred_at: at,
        received_at: at,
    }
}

fn a_batch_sent_again_is_stored_once_with_its_agent(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let (agent, other) = (enrolled(db, org.id, t), enrolled(db, org.id, t));
    let repo = db.agents();
    let batch = Some(Uuid::new_v4());
    let events = |n: usize| (0..n).map(|_| event(org.id, t)).collect::<Vec<_>>();
    match repo
        .ingest_batch(org.id, agent.id, batch, events(3), t)
        .unwrap()
    {
        BatchOutcome::Ingested(outcome) => assert_eq!(outcome.accepted, 3),
        dup => panic!("the first sending is ingested: {dup:?}"),
    }
    let again = repo
        .ingest_batch(org.id, agent.id, batch, events(3), t)
        .unwrap();
    assert_eq!(again, BatchOutcome::Duplicate { accepted: 3 });
    let fewer = repo
        .ingest_batch(org.id, agent.id, batch, events(1), t)
        .unwrap();
    assert_eq!(
        fewer,
        BatchOutcome::Duplicate { accepted: 3 },
        "what the first accepted"
    );
    // Another agent's batch ids are its own; without a batch id nothing is de-duplicated.
    assert!(matches!(
        repo.ingest_batch(org.id, other.id, batch, events(2), t)
            .unwrap(),
        BatchOutcome::Ingested(_)
    ));
    for _ in 0..2 {
        assert!(matches!(
            repo.ingest_batch(org.id, agent.id, None, events(1), t)
                .unwrap(),
            BatchOutcome::Ingested(_)
        ));
    }
    let stored = db
        .detection()
        .list_events(
            org.id,
            &EventFilter::default(),
            &PageRequest::new(None, Some(100)),
        )
        .unwrap();
    let mut per_agent = BTreeMap::new();
    for e in &stored {
        *per_agent.entry(e.agent_id.clone().unwrap()).or_insert(0) += 1;
    }
    let expected = BTreeMap::from([(agent.id.to_string(), 5), (other.id.to_string(), 2)]);
    assert_eq!(per_agent, expected);
}
