#![allow(clippy::unwrap_used)]

use chrono::Duration;

use super::*;
use crate::ids::EnrollmentTokenId;

fn now() -> DateTime<Utc> {
    "2026-12-02T12:00:00Z".parse().unwrap()
}

fn token() -> EnrollmentToken {
    EnrollmentToken {
        id: EnrollmentTokenId::generate(),
        platform: AgentPlatform::Linux,
        label: None,
        created_by: None,
        created_at: now() - Duration::hours(1),
        expires_at: now() + Duration::hours(1),
        max_uses: 1,
        uses: 0,
        revoked_at: None,
    }
}

fn request() -> EnrollmentRequest {
    EnrollmentRequest {
        instance_id: Uuid::new_v4().to_string(),
        hostname: "web-1".into(),
        platform: "linux".into(),
        ..EnrollmentRequest::default()
    }
}

fn facts() -> NewAgentFacts {
    NewAgentFacts::parse(&request()).unwrap()
}

fn agent_of(t: &EnrollmentToken, f: &NewAgentFacts) -> Agent {
    Agent {
        id: AgentId::generate(),
        instance_id: f.instance_id,
        hostname: f.hostname.clone(),
        platform: f.platform,
        os_version: None,
        ip_address: None,
        agent_version: None,
        state: AgentState::Active,
        enrolled_at: now() - Duration::minutes(30),
        last_seen_at: None,
        enrollment_token_id: Some(t.id),
        buffered_events: 0,
        dropped_events: 0,
    }
}

#[test]
fn requests_are_validated_field_by_field() {
    let bad = EnrollmentRequest {
        instance_id: "not-a-uuid".into(),
        hostname: " ".into(),
        platform: "none".into(),
        os_version: Some("x".repeat(101)),
        ip_address: Some("999.1.1.1".into()),
        agent_version: Some("1\n2".into()),
        replaces: Some("nope".into()),
    };
    let errors = NewAgentFacts::parse(&bad).unwrap_err().into_map();
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        vec![
            "agent_version",
            "hostname",
            "instance_id",
            "ip_address",
            "os_version",
            "platform",
            "replaces"
        ]
    );
}

#[test]
fn a_fresh_token_creates_an_agent_and_every_bad_token_is_one_refusal() {
    let f = facts();
    let t = token();
    assert!(matches!(
        decide(Some(&t), None, None, &f, now()),
        Ok(Enrollment::Create { .. })
    ));
    let expired = EnrollmentToken {
        expires_at: now(),
        ..token()
    };
    let used = EnrollmentToken { uses: 1, ..token() };
    let revoked = EnrollmentToken {
        revoked_at: Some(now()),
        ..token()
    };
    for t in [None, Some(&expired), Some(&used), Some(&revoked)] {
        assert_eq!(
            decide(t, None, None, &f, now()),
            Err(EnrollRefused::InvalidToken)
        );
    }
}

#[test]
fn a_retry_reissues_without_a_use_but_only_before_the_first_heartbeat() {
    let f = facts();
    let t = EnrollmentToken { uses: 1, ..token() };
    let mut agent = agent_of(&t, &f);
    let d = decide(Some(&t), Some(&agent), None, &f, now()).unwrap();
    assert_eq!(d, Enrollment::Reissue { agent_id: agent.id });
    assert!(!d.uses_token());
    // Once it has reported, the same token is an ordinary (here: used-up) redemption.
    agent.last_seen_at = Some(now());
    assert_eq!(
        decide(Some(&t), Some(&agent), None, &f, now()),
        Err(EnrollRefused::InvalidToken)
    );
    // A revoked agent does not come back through its old token.
    agent.last_seen_at = None;
    agent.state = AgentState::Revoked;
    assert_eq!(
        decide(Some(&t), Some(&agent), None, &f, now()),
        Err(EnrollRefused::InvalidToken)
    );
    // A new token re-enrolls the same record.
    let fresh = token();
    let d = decide(Some(&fresh), Some(&agent), None, &f, now()).unwrap();
    assert_eq!(d, Enrollment::Reenroll { agent_id: agent.id });
    assert!(d.uses_token());
}

#[test]
fn a_retry_cannot_retire_a_live_agent_or_itself() {
    let t = EnrollmentToken { uses: 1, ..token() };
    let mut victim = agent_of(&t, &facts());
    victim.last_seen_at = Some(now() - Duration::minutes(1));
    let retrying = agent_of(&t, &facts());
    for wanted in [victim.id, retrying.id] {
        let f = NewAgentFacts {
            replaces: Some(wanted),
            ..facts()
        };
        let named = if wanted == victim.id {
            &victim
        } else {
            &retrying
        };
        assert_eq!(
            decide(Some(&t), Some(&retrying), Some(named), &f, now()),
            Err(EnrollRefused::NotReplaceable),
            "a retry naming {wanted}"
        );
    }
    // The retry of a request that did retire a silent agent is still a retry.
    victim.state = AgentState::Superseded;
    let f = NewAgentFacts {
        replaces: Some(victim.id),
        ..facts()
    };
    assert_eq!(
        decide(Some(&t), Some(&retrying), Some(&victim), &f, now()),
        Ok(Enrollment::Reissue {
            agent_id: retrying.id
        })
    );
}

#[test]
fn replaces_needs_a_silent_agent_of_the_organization() {
    let t = token();
    let mut old = agent_of(&t, &facts());
    let f = NewAgentFacts {
        replaces: Some(old.id),
        ..facts()
    };
    old.last_seen_at = Some(now() - Duration::minutes(11));
    assert!(matches!(
        decide(Some(&t), None, Some(&old), &f, now()),
        Ok(Enrollment::Create { .. })
    ));
    old.last_seen_at = Some(now() - Duration::minutes(9));
    assert_eq!(
        decide(Some(&t), None, Some(&old), &f, now()),
        Err(EnrollRefused::NotReplaceable)
    );
    // Not found in the organization (e.g. another tenant's id).
    assert_eq!(
        decide(Some(&t), None, None, &f, now()),
        Err(EnrollRefused::NotReplaceable)
    );
    // A bad token is refused before anything is said about `replaces`.
    assert_eq!(
        decide(None, None, None, &f, now()),
        Err(EnrollRefused::InvalidToken)
    );
}
