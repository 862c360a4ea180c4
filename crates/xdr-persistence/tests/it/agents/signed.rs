//! What signed agent requests store: nonces, heartbeats, event batches, rotated secrets and
//! the end of an agent.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use xdr_domain::agents::{AgentState, HealthReport, Heartbeat};
use xdr_domain::audit::AuditAction;
use xdr_domain::ports::{AgentRepository, HeartbeatOutcome};
use xdr_domain::{AgentId, OrganizationId};
use xdr_persistence::Database;

use super::{agent_extras, audit, audited, enrolled, sealed};
use crate::support::{now, tenant};

both_backends!(
    a_nonce_is_used_once_per_agent_and_old_ones_are_forgotten,
    heartbeats_store_last_seen_and_counts,
    a_clone_is_recorded_and_audited_once_per_instance_id,
    a_rotation_keeps_the_previous_secret_until_the_given_time,
    an_agent_ends_once,
);

fn beat(instance_id: Option<Uuid>, buffered: Option<u64>, dropped: Option<u64>) -> Heartbeat {
    Heartbeat {
        health: HealthReport::Ok,
        buffered_events: buffered,
        dropped_events: dropped,
        instance_id,
    }
}

fn clone_audit(org: OrganizationId, agent: AgentId) -> xdr_domain::audit::NewAuditEntry {
    audit(org, AuditAction::AgentCloneDetected, agent)
}

fn a_nonce_is_used_once_per_agent_and_old_ones_are_forgotten(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let (a, b) = (enrolled(db, org.id, t), enrolled(db, org.id, t));
    let repo = db.agents();
    let window = Duration::seconds(600);
    let record = |agent: AgentId, nonce: &str, at: DateTime<Utc>| {
        repo.record_nonce(org.id, agent, nonce, at, at - window)
            .unwrap()
    };
    assert!(record(a.id, "n1", t));
    assert!(!record(a.id, "n1", t), "a replay");
    assert!(
        !record(a.id, "n1", t + Duration::seconds(599)),
        "still remembered"
    );
    assert!(record(b.id, "n1", t), "another agent's nonces are its own");
    assert!(record(a.id, "n2", t));
    // Past the window the nonce was pruned (by the next request) and may come again.
    assert!(record(a.id, "n3", t + Duration::seconds(601)));
    assert!(record(a.id, "n1", t + Duration::seconds(602)));
    assert!(
        !record(b.id, "n1", t + Duration::seconds(300)),
        "b's was not pruned by a"
    );
    // An agent id that is not the organization's records nothing.
    assert!(!record(AgentId::generate(), "n9", t));
}

fn heartbeats_store_last_seen_and_counts(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let agent = enrolled(db, org.id, t);
    let repo = db.agents();
    assert!(!repo.has_reporting_agent(org.id).unwrap());
    let own = Some(agent.instance_id);
    let first = repo
        .heartbeat(
            org.id,
            agent.id,
            &beat(own, Some(5), Some(2)),
            t,
            clone_audit(org.id, agent.id),
        )
        .unwrap();
    assert_eq!(first, HeartbeatOutcome::Recorded { first: true });
    assert!(repo.has_reporting_agent(org.id).unwrap());
    let later = t + Duration::seconds(30);
    let second = repo
        .heartbeat(
            org.id,
            agent.id,
            &beat(None, Some(7), None),
            later,
            clone_audit(org.id, agent.id),
        )
        .unwrap();
    assert_eq!(second, HeartbeatOutcome::Recorded { first: false });
    let stored = repo.get_agent(org.id, agent.id).unwrap().unwrap();
    assert_eq!(stored.last_seen_at, Some(later));
    assert_eq!(
        (stored.buffered_events, stored.dropped_events),
        (7, 2),
        "absent counts stay"
    );
    let missing = repo
        .heartbeat(
            org.id,
            AgentId::generate(),
            &beat(None, None, None),
            t,
            clone_audit(org.id, agent.id),
        )
        .unwrap();
    assert_eq!(missing, HeartbeatOutcome::Refused);
    repo.end_agent(
        org.id,
        agent.id,
        AgentState::Unenrolled,
        audit(org.id, AuditAction::AgentUnenrolled, agent.id),
    )
    .unwrap();
    let ended = repo
        .heartbeat(
            org.id,
            agent.id,
            &beat(None, Some(1), None),
            later,
            clone_audit(org.id, agent.id),
        )
        .unwrap();
    assert_eq!(ended, HeartbeatOutcome::Refused);
    assert_eq!(
        repo.get_agent(org.id, agent.id)
            .unwrap()
            .unwrap()
            .buffered_events,
        7
    );
}

fn a_clone_is_recorded_and_audited_once_per_instance_id(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let agent = enrolled(db, org.id, t);
    let repo = db.agents();
    let (x, y) = (Uuid::new_v4(), Uuid::new_v4());
    for (n, instance) in [x, x, y, y, x].into_iter().enumerate() {
        let at = t + Duration::seconds(i64::try_from(n).unwrap());
        let outcome = repo
            .heartbeat(
                org.id,
                agent.id,
                &beat(Some(instance), Some(9), None),
                at,
                clone_audit(org.id, agent.id),
            )
            .unwrap();
        assert_eq!(outcome, HeartbeatOutcome::Clone);
    }
    // x, then y, then x again: three changes of the clone's instance id.
    assert_eq!(audited(db, org.id, AuditAction::AgentCloneDetected), 3);
    assert_eq!(agent_extras(db, org.id, agent.id).0, Some(x.to_string()));
    let stored = repo.get_agent(org.id, agent.id).unwrap().unwrap();
    assert_eq!(
        (stored.last_seen_at, stored.buffered_events),
        (None, 0),
        "a clone stores nothing else"
    );
    // The agent itself still reports.
    let own = repo
        .heartbeat(
            org.id,
            agent.id,
            &beat(Some(agent.instance_id), None, None),
            t,
            clone_audit(org.id, agent.id),
        )
        .unwrap();
    assert_eq!(own, HeartbeatOutcome::Recorded { first: true });
}

fn a_rotation_keeps_the_previous_secret_until_the_given_time(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let (agent, other) = (enrolled(db, org.id, t), enrolled(db, org.id, t));
    let repo = db.agents();
    let until = t + Duration::seconds(300);
    let rotation = audit(org.id, AuditAction::AgentSecretRotated, agent.id);
    assert!(
        repo.rotate_secret(org.id, agent.id, &sealed(2, "next"), until, rotation)
            .unwrap()
    );
    let creds = repo.agent_credentials(agent.id).unwrap().unwrap();
    assert_eq!(creds.secret, sealed(2, "next"));
    assert_eq!(creds.previous, Some((sealed(1, "first"), until)));
    assert_eq!(audited(db, org.id, AuditAction::AgentSecretRotated), 1);
    let untouched = repo.agent_credentials(other.id).unwrap().unwrap();
    assert_eq!(
        (untouched.secret, untouched.previous),
        (sealed(1, "first"), None)
    );
    // Current secrets: one of version 1, one of 2; the previous one is of version 1.
    let counts = repo.key_versions_in_use().unwrap();
    assert_eq!(counts, BTreeMap::from([(1, 2), (2, 1)]));
    // A second rotation drops the first secret for good.
    let rotation = audit(org.id, AuditAction::AgentSecretRotated, agent.id);
    assert!(
        repo.rotate_secret(org.id, agent.id, &sealed(3, "third"), until, rotation)
            .unwrap()
    );
    let creds = repo.agent_credentials(agent.id).unwrap().unwrap();
    assert_eq!(creds.previous, Some((sealed(2, "next"), until)));
    assert_eq!(
        repo.key_versions_in_use().unwrap(),
        BTreeMap::from([(1, 1), (2, 1), (3, 1)])
    );
    let missing = audit(org.id, AuditAction::AgentSecretRotated, agent.id);
    assert!(
        !repo
            .rotate_secret(org.id, AgentId::generate(), &sealed(3, "x"), until, missing)
            .unwrap()
    );
    assert_eq!(audited(db, org.id, AuditAction::AgentSecretRotated), 2);
}

fn an_agent_ends_once(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let agent = enrolled(db, org.id, t);
    let repo = db.agents();
    let revoke = || audit(org.id, AuditAction::AgentRevoked, agent.id);
    let first = repo
        .end_agent(org.id, agent.id, AgentState::Revoked, revoke())
        .unwrap()
        .unwrap();
    assert_eq!(first.state, AgentState::Revoked);
    let second = repo
        .end_agent(org.id, agent.id, AgentState::Unenrolled, revoke())
        .unwrap();
    assert_eq!(second, Some(first.clone()), "returned unchanged");
    assert_eq!(audited(db, org.id, AuditAction::AgentRevoked), 1);
    assert_eq!(repo.get_agent(org.id, agent.id).unwrap(), Some(first));
    let creds = repo.agent_credentials(agent.id).unwrap().unwrap();
    assert!(!creds.agent.may_sign_in());
    assert_eq!(
        repo.end_agent(org.id, AgentId::generate(), AgentState::Revoked, revoke())
            .unwrap(),
        None
    );
}
