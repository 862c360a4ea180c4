//! Another organization's agent is indistinguishable from a missing one.

use uuid::Uuid;
use xdr_domain::PageRequest;
use xdr_domain::agents::{AgentState, HealthReport, Heartbeat};
use xdr_domain::audit::AuditAction;
use xdr_domain::ports::{AgentFilter, AgentRepository, HeartbeatOutcome};
use xdr_persistence::Database;

use super::{audit, audited, enroll, enrolled, facts, sealed, stored_agents, token};
use crate::support::{now, tenant};

both_backends!(
    another_organization_cannot_reach_an_agent,
    replaces_names_only_an_agent_of_the_organization,
    lists_are_newest_first_by_state,
);

fn another_organization_cannot_reach_an_agent(db: &Database) {
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let t = now();
    let agent = enrolled(db, a.id, t);
    let repo = db.agents();
    assert_eq!(repo.get_agent(b.id, agent.id).unwrap(), None);
    let page = PageRequest::new(None, None);
    assert!(
        repo.list_agents(b.id, &AgentFilter::default(), &page)
            .unwrap()
            .is_empty()
    );
    let revoke = audit(b.id, AuditAction::AgentRevoked, agent.id);
    assert_eq!(
        repo.end_agent(b.id, agent.id, AgentState::Revoked, revoke)
            .unwrap(),
        None
    );
    let beat = Heartbeat {
        health: HealthReport::Ok,
        buffered_events: Some(1),
        dropped_events: None,
        instance_id: Some(agent.instance_id),
    };
    let clone = audit(b.id, AuditAction::AgentCloneDetected, agent.id);
    assert_eq!(
        repo.heartbeat(b.id, agent.id, &beat, t, clone).unwrap(),
        HeartbeatOutcome::Refused
    );
    let rotation = audit(b.id, AuditAction::AgentSecretRotated, agent.id);
    assert!(
        !repo
            .rotate_secret(b.id, agent.id, &sealed(9, "b"), t, rotation)
            .unwrap()
    );
    assert!(!repo.record_nonce(b.id, agent.id, "n1", t, t).unwrap());
    assert!(!repo.has_reporting_agent(b.id).unwrap());
    // A's agent is as it was, and its nonce was not taken up.
    let stored = repo.get_agent(a.id, agent.id).unwrap().unwrap();
    assert_eq!(stored, agent);
    let creds = repo.agent_credentials(agent.id).unwrap().unwrap();
    assert_eq!(
        (creds.organization_id, creds.secret, creds.previous),
        (a.id, sealed(1, "first"), None)
    );
    assert!(repo.record_nonce(a.id, agent.id, "n1", t, t).unwrap());
    assert_eq!(audited(db, b.id, AuditAction::AgentRevoked), 0);
    assert_eq!(stored_agents(db, b.id), (0, 0));
}

fn replaces_names_only_an_agent_of_the_organization(db: &Database) {
    let (a, _) = tenant(db);
    let (b, _) = tenant(db);
    let long_ago = now() - chrono::Duration::hours(2);
    let of_a = enrolled(db, a.id, long_ago);
    let tok = token(db, b.id, 1, now());
    let mut f = facts(Uuid::new_v4());
    f.replaces = Some(of_a.id);
    let refused = enroll(db, b.id, &tok.hash, &f, &sealed(1, "s"), now()).unwrap();
    assert_eq!(
        refused,
        Err(xdr_domain::agents::EnrollRefused::NotReplaceable)
    );
    assert_eq!(
        db.agents().get_agent(a.id, of_a.id).unwrap().unwrap().state,
        AgentState::Active
    );
    assert_eq!(stored_agents(db, b.id), (0, 0));
}

fn lists_are_newest_first_by_state(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let t = now();
    let agents: Vec<_> = (0..3).map(|_| enrolled(db, org.id, t)).collect();
    enrolled(db, other.id, t);
    let repo = db.agents();
    let revoke = audit(org.id, AuditAction::AgentRevoked, agents[1].id);
    repo.end_agent(org.id, agents[1].id, AgentState::Revoked, revoke)
        .unwrap();
    let ids = |filter: AgentFilter, page: PageRequest| -> Vec<_> {
        repo.list_agents(org.id, &filter, &page)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    let all = PageRequest::new(None, None);
    assert_eq!(
        ids(AgentFilter::default(), all),
        vec![agents[2].id, agents[1].id, agents[0].id]
    );
    let active = AgentFilter {
        state: Some(AgentState::Active),
    };
    assert_eq!(ids(active, all), vec![agents[2].id, agents[0].id]);
    let revoked = AgentFilter {
        state: Some(AgentState::Revoked),
    };
    assert_eq!(ids(revoked, all), vec![agents[1].id]);
    // One page of 1 reads 2 (fetch_limit); the next starts before the given id.
    let first = PageRequest::new(None, Some(1));
    assert_eq!(
        ids(AgentFilter::default(), first),
        vec![agents[2].id, agents[1].id]
    );
    let next = PageRequest::new(Some(agents[1].id.as_uuid()), Some(1));
    assert_eq!(ids(AgentFilter::default(), next), vec![agents[0].id]);
}
