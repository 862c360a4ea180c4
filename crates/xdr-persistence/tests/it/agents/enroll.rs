//! Redemption: create, re-issue, re-enroll, replace, and the refusals that write nothing.

use std::net::IpAddr;

use chrono::Duration;
use uuid::Uuid;
use xdr_domain::agents::{AgentState, EnrollRefused, Enrollment, HealthReport, Heartbeat};
use xdr_domain::audit::AuditAction;
use xdr_domain::ports::{AgentRepository, HeartbeatOutcome};
use xdr_persistence::Database;

use super::{
    agent_extras, asset, asset_agent, asset_hostname, audit, audited, enroll, facts, sealed,
    stored_agents, token, token_uses,
};
use crate::support::{now, tenant};

both_backends!(
    a_fresh_token_creates_an_active_agent_with_its_secret,
    a_retry_reissues_the_same_agent_without_a_use,
    a_new_token_reenrolls_the_same_record,
    replaces_retires_only_an_agent_silent_for_ten_minutes,
);

fn beat() -> Heartbeat {
    Heartbeat {
        health: HealthReport::Ok,
        buffered_events: None,
        dropped_events: None,
        instance_id: None,
    }
}

fn a_fresh_token_creates_an_active_agent_with_its_secret(db: &Database) {
    let (org, _) = tenant(db);
    let (other, _) = tenant(db);
    let t = now();
    let tok = token(db, org.id, 2, t);
    let linked = asset(db, org.id, "10.0.0.5");
    let elsewhere = asset(db, other.id, "10.0.0.5");
    let mut f = facts(Uuid::new_v4());
    f.ip_address = Some("10.0.0.5".parse::<IpAddr>().unwrap());
    let applied = enroll(db, org.id, &tok.hash, &f, &sealed(3, "s1"), t)
        .unwrap()
        .unwrap();
    assert!(matches!(applied.enrollment, Enrollment::Create { .. }));
    assert_eq!(applied.superseded, None);
    let agent = &applied.agent;
    assert_eq!(agent.id, applied.enrollment.agent_id());
    assert_eq!(
        (agent.instance_id, agent.hostname.as_str(), agent.state),
        (f.instance_id, "web-1", AgentState::Active)
    );
    assert_eq!(agent.ip_address.as_deref(), Some("10.0.0.5"));
    assert_eq!(agent.os_version.as_deref(), Some("Debian 12"));
    assert_eq!(agent.enrolled_at, t);
    assert_eq!(agent.last_seen_at, None);
    assert_eq!((agent.buffered_events, agent.dropped_events), (0, 0));
    assert_eq!(agent.enrollment_token_id.map(|i| i.as_uuid()), Some(tok.id));
    assert_eq!(
        db.agents().get_agent(org.id, agent.id).unwrap().as_ref(),
        Some(agent)
    );
    assert_eq!(token_uses(db, org.id, &tok), 1);
    let creds = db.agents().agent_credentials(agent.id).unwrap().unwrap();
    assert_eq!(creds.organization_id, org.id);
    assert_eq!(&creds.agent, agent);
    assert_eq!(creds.secret, sealed(3, "s1"));
    assert_eq!(creds.previous, None);
    assert_eq!(audited(db, org.id, AuditAction::AgentEnrolled), 1);
    assert_eq!(
        db.agents()
            .enrollment_token_organization(&tok.hash)
            .unwrap(),
        Some(org.id)
    );
    assert_eq!(
        db.agents().enrollment_token_organization("nope").unwrap(),
        None
    );
    // The organization's asset at that IP is the agent's; the other organization's is not.
    assert_eq!(asset_agent(db, org.id, linked), Some(agent.id.to_string()));
    assert_eq!(asset_agent(db, other.id, elsewhere), None);
    // It is named after the host the agent reports; the other organization's stays nameless.
    assert_eq!(asset_hostname(db, org.id, linked).as_deref(), Some("web-1"));
    assert_eq!(asset_hostname(db, other.id, elsewhere), None);
    assert_eq!(db.agents().key_versions_in_use().unwrap().get(&3), Some(&1));
}

fn a_retry_reissues_the_same_agent_without_a_use(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let tok = token(db, org.id, 1, t);
    let f = facts(Uuid::new_v4());
    let first = enroll(db, org.id, &tok.hash, &f, &sealed(1, "a"), t)
        .unwrap()
        .unwrap();
    let retry = enroll(
        db,
        org.id,
        &tok.hash,
        &f,
        &sealed(1, "b"),
        t + Duration::seconds(5),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        retry.enrollment,
        Enrollment::Reissue {
            agent_id: first.agent.id
        }
    );
    assert_eq!(retry.agent.id, first.agent.id);
    assert_eq!(retry.agent.enrolled_at, first.agent.enrolled_at);
    assert_eq!(token_uses(db, org.id, &tok), 1, "a re-issue uses nothing");
    assert_eq!(stored_agents(db, org.id), (1, 1));
    let creds = db
        .agents()
        .agent_credentials(first.agent.id)
        .unwrap()
        .unwrap();
    assert_eq!(
        creds.secret,
        sealed(1, "b"),
        "the new secret replaced the first"
    );
    // Once the agent has reported, the used-up token is refused like any other.
    let hb = db
        .agents()
        .heartbeat(
            org.id,
            first.agent.id,
            &beat(),
            t,
            audit(org.id, AuditAction::AgentCloneDetected, first.agent.id),
        )
        .unwrap();
    assert_eq!(hb, HeartbeatOutcome::Recorded { first: true });
    let late = enroll(
        db,
        org.id,
        &tok.hash,
        &f,
        &sealed(1, "c"),
        t + Duration::seconds(9),
    );
    assert_eq!(late.unwrap(), Err(EnrollRefused::InvalidToken));
    assert_eq!(
        db.agents()
            .agent_credentials(first.agent.id)
            .unwrap()
            .unwrap()
            .secret,
        sealed(1, "b")
    );
}

fn a_new_token_reenrolls_the_same_record(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let (old, fresh) = (token(db, org.id, 1, t), token(db, org.id, 1, t));
    let f = facts(Uuid::new_v4());
    let first = enroll(db, org.id, &old.hash, &f, &sealed(1, "a"), t)
        .unwrap()
        .unwrap()
        .agent;
    let repo = db.agents();
    repo.heartbeat(
        org.id,
        first.id,
        &beat(),
        t,
        audit(org.id, AuditAction::AgentCloneDetected, first.id),
    )
    .unwrap();
    let rotation = || audit(org.id, AuditAction::AgentSecretRotated, first.id);
    assert!(
        repo.rotate_secret(org.id, first.id, &sealed(2, "r"), t, rotation())
            .unwrap()
    );
    let ended = repo
        .end_agent(
            org.id,
            first.id,
            AgentState::Revoked,
            audit(org.id, AuditAction::AgentRevoked, first.id),
        )
        .unwrap()
        .unwrap();
    assert_eq!(ended.state, AgentState::Revoked);
    assert!(
        !repo
            .rotate_secret(org.id, first.id, &sealed(2, "q"), t, rotation())
            .unwrap()
    );
    assert!(
        repo.agent_credentials(first.id)
            .unwrap()
            .unwrap()
            .previous
            .is_some()
    );
    // The old token does not bring a revoked agent back; a new one re-enrolls the record.
    let refused = enroll(
        db,
        org.id,
        &old.hash,
        &f,
        &sealed(1, "x"),
        t + Duration::minutes(1),
    );
    assert_eq!(refused.unwrap(), Err(EnrollRefused::InvalidToken));
    let mut moved = f.clone();
    moved.hostname = "web-2".to_owned();
    let later = t + Duration::minutes(2);
    let again = enroll(db, org.id, &fresh.hash, &moved, &sealed(4, "b"), later)
        .unwrap()
        .unwrap();
    assert_eq!(
        again.enrollment,
        Enrollment::Reenroll { agent_id: first.id }
    );
    let agent = &again.agent;
    assert_eq!(
        (agent.state, agent.hostname.as_str()),
        (AgentState::Active, "web-2")
    );
    assert_eq!(
        agent.enrollment_token_id.map(|i| i.as_uuid()),
        Some(fresh.id)
    );
    assert_eq!((agent.enrolled_at, agent.last_seen_at), (later, None));
    assert_eq!(
        (token_uses(db, org.id, &old), token_uses(db, org.id, &fresh)),
        (1, 1)
    );
    let creds = repo.agent_credentials(first.id).unwrap().unwrap();
    assert_eq!((creds.secret, creds.previous), (sealed(4, "b"), None));
    assert_eq!(stored_agents(db, org.id), (1, 1));
    // A retry of the re-enrollment is a re-issue, not a second use of the fresh token.
    let retry = enroll(db, org.id, &fresh.hash, &moved, &sealed(4, "c"), later).unwrap();
    assert_eq!(
        retry.unwrap().enrollment,
        Enrollment::Reissue { agent_id: first.id }
    );
    assert_eq!(audited(db, org.id, AuditAction::AgentEnrolled), 3);
}

fn replaces_retires_only_an_agent_silent_for_ten_minutes(db: &Database) {
    let (org, _) = tenant(db);
    let t = now();
    let start = t - Duration::hours(1);
    let old = super::enrolled(db, org.id, start);
    let repo = db.agents();
    let clone_audit = || audit(org.id, AuditAction::AgentCloneDetected, old.id);
    repo.heartbeat(
        org.id,
        old.id,
        &beat(),
        t - Duration::seconds(599),
        clone_audit(),
    )
    .unwrap();
    let tok = token(db, org.id, 5, t);
    let mut f = facts(Uuid::new_v4());
    f.replaces = Some(old.id);
    let early = enroll(db, org.id, &tok.hash, &f, &sealed(1, "n"), t).unwrap();
    assert_eq!(early, Err(EnrollRefused::NotReplaceable));
    assert_eq!(token_uses(db, org.id, &tok), 0, "a refusal uses nothing");
    assert_eq!(stored_agents(db, org.id), (1, 1));
    // Itself is not a replacement.
    let mut itself = facts(old.instance_id);
    itself.replaces = Some(old.id);
    let own = enroll(
        db,
        org.id,
        &tok.hash,
        &itself,
        &sealed(1, "n"),
        t + Duration::seconds(1),
    );
    assert_eq!(own.unwrap(), Err(EnrollRefused::NotReplaceable));
    let at = t + Duration::seconds(1);
    let applied = enroll(db, org.id, &tok.hash, &f, &sealed(1, "n"), at)
        .unwrap()
        .unwrap();
    assert_eq!(applied.superseded, Some(old.id));
    let retired = repo.get_agent(org.id, old.id).unwrap().unwrap();
    assert_eq!(retired.state, AgentState::Superseded);
    assert_eq!(
        agent_extras(db, org.id, old.id).1,
        Some(applied.agent.id.to_string())
    );
    assert_eq!(audited(db, org.id, AuditAction::AgentSuperseded), 1);
    // A superseded agent is no longer active: replacing it again is refused.
    let mut twice = facts(Uuid::new_v4());
    twice.replaces = Some(old.id);
    let again = enroll(
        db,
        org.id,
        &tok.hash,
        &twice,
        &sealed(1, "m"),
        at + Duration::hours(1),
    );
    assert_eq!(again.unwrap(), Err(EnrollRefused::NotReplaceable));
}
