//! Event batches of agents: stored once per batch id, each event carrying its agent.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;
use xdr_domain::detection::{EventFilter, NewEvent};
use xdr_domain::ports::{AgentRepository, BatchOutcome, DetectionRepository, NonceUse};
use xdr_domain::{EventId, OrganizationId, PageRequest};
use xdr_persistence::Database;

use super::enrolled;
use crate::support::{now, tenant};

both_backends!(
    a_batch_sent_again_is_stored_once_with_its_agent,
    a_batch_with_a_replayed_nonce_stores_nothing,
    the_sweep_forgets_old_nonces_of_every_organization,
);

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
        .ingest_batch(org.id, agent.id, None, batch, events(3), t)
        .unwrap()
    {
        BatchOutcome::Ingested(outcome) => assert_eq!(outcome.accepted, 3),
        dup => panic!("the first sending is ingested: {dup:?}"),
    }
    let again = repo
        .ingest_batch(org.id, agent.id, None, batch, events(3), t)
        .unwrap();
    assert_eq!(again, BatchOutcome::Duplicate { accepted: 3 });
    let fewer = repo
        .ingest_batch(org.id, agent.id, None, batch, events(1), t)
        .unwrap();
    assert_eq!(
        fewer,
        BatchOutcome::Duplicate { accepted: 3 },
        "what the first accepted"
    );
    // Another agent's batch ids are its own; without a batch id nothing is de-duplicated.
    assert!(matches!(
        repo.ingest_batch(org.id, other.id, None, batch, events(2), t)
            .unwrap(),
        BatchOutcome::Ingested(_)
    ));
    for _ in 0..2 {
        assert!(matches!(
            repo.ingest_batch(org.id, agent.id, None, None, events(1), t)
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

/// The nonce recorded in the batch's own transaction: a replay stores nothing, and a nonce
/// used by another request (`record_nonce`) is a replay too.
fn a_batch_with_a_replayed_nonce_stores_nothing(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let agent = enrolled(db, org.id, t);
    let repo = db.agents();
    let use_of = |nonce: &str| NonceUse {
        nonce: nonce.to_owned(),
        forget_before: t - chrono::Duration::seconds(600),
    };
    let first = repo
        .ingest_batch(
            org.id,
            agent.id,
            Some(&use_of("n1")),
            None,
            vec![event(org.id, t)],
            t,
        )
        .unwrap();
    assert!(matches!(first, BatchOutcome::Ingested(_)), "{first:?}");
    let replay = repo
        .ingest_batch(
            org.id,
            agent.id,
            Some(&use_of("n1")),
            None,
            vec![event(org.id, t)],
            t,
        )
        .unwrap();
    assert_eq!(replay, BatchOutcome::Replayed);
    assert!(repo.record_nonce(org.id, agent.id, "n2", t, t).unwrap());
    let reused = repo
        .ingest_batch(
            org.id,
            agent.id,
            Some(&use_of("n2")),
            None,
            vec![event(org.id, t)],
            t,
        )
        .unwrap();
    assert_eq!(reused, BatchOutcome::Replayed);
    assert!(
        !repo.record_nonce(org.id, agent.id, "n1", t, t).unwrap(),
        "n1 was recorded"
    );
    let stored = db
        .detection()
        .list_events(
            org.id,
            &EventFilter::default(),
            &PageRequest::new(None, Some(10)),
        )
        .unwrap();
    assert_eq!(stored.len(), 1, "only the first batch was stored");
}

/// `prune_nonces` runs across organizations and removes only what is older than its bound.
fn the_sweep_forgets_old_nonces_of_every_organization(db: &Database) {
    let t = now();
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let (agent_a, agent_b) = (enrolled(db, a.id, t), enrolled(db, b.id, t));
    let repo = db.agents();
    let old = t - chrono::Duration::seconds(700);
    let forget = |at: DateTime<Utc>| at - chrono::Duration::seconds(600);
    assert!(
        repo.record_nonce(a.id, agent_a.id, "old-a", old, forget(old))
            .unwrap()
    );
    assert!(
        repo.record_nonce(b.id, agent_b.id, "old-b", old, forget(old))
            .unwrap()
    );
    assert!(
        repo.record_nonce(a.id, agent_a.id, "new-a", t, forget(t))
            .unwrap()
    );
    assert_eq!(
        repo.prune_nonces(forget(t)).unwrap(),
        2,
        "both organizations' old nonces"
    );
    assert_eq!(repo.prune_nonces(forget(t)).unwrap(), 0);
    // The recent one is still remembered: a replay of it is refused.
    assert!(
        !repo
            .record_nonce(a.id, agent_a.id, "new-a", t, forget(t))
            .unwrap()
    );
}
