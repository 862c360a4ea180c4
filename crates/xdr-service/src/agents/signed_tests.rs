#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use xdr_auth::agent_signature::{SignedRequest, sign};
use xdr_crypto::{Key, KeyRing};
use xdr_domain::agents::{Agent, AgentState, agent_secret_binding};
use xdr_domain::onboarding::AgentPlatform;
use xdr_domain::ports::{AgentCredentials, Sealer};
use xdr_domain::{AgentId, OrganizationId};

use super::verify_signature;
use crate::agents::AgentError;
use crate::credentials::KeyRingSealer;

const PATH: &str = "/api/v1/agents/heartbeat";
const NONCE: &str = "00112233445566778899aabbccddeeff";

fn now() -> DateTime<Utc> {
    "2026-12-03T12:00:00Z".parse().unwrap()
}

fn sealer() -> KeyRingSealer {
    KeyRingSealer::new(KeyRing::new([(1, Key::from_bytes([7; 32]))], 1).unwrap())
}

fn credentials(sealer: &KeyRingSealer, current: &[u8; 32]) -> AgentCredentials {
    let org = OrganizationId::generate();
    let instance_id = Uuid::new_v4();
    let binding = agent_secret_binding(org, instance_id);
    AgentCredentials {
        organization_id: org,
        agent: Agent {
            id: AgentId::generate(),
            instance_id,
            hostname: "web-1".into(),
            platform: AgentPlatform::Linux,
            os_version: None,
            ip_address: None,
            agent_version: None,
            state: AgentState::Active,
            enrolled_at: now(),
            last_seen_at: None,
            enrollment_token_id: None,
            buffered_events: 0,
            dropped_events: 0,
        },
        secret: sealer.seal(current, &binding).unwrap(),
        previous: None,
    }
}

fn signed(key: &[u8], body: &'static [u8], at: DateTime<Utc>) -> (String, String) {
    let ts = at.timestamp().to_string();
    let sig = sign(key, "POST", PATH, &ts, NONCE, body);
    (ts, sig)
}

fn request<'a>(ts: &'a str, sig: &'a str, body: &'a [u8]) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        path_with_query: PATH,
        timestamp: Some(ts),
        nonce: Some(NONCE),
        signature: Some(sig),
        body,
    }
}

#[test]
fn the_current_secret_verifies_and_names_the_nonce() {
    let s = sealer();
    let c = credentials(&s, &[1; 32]);
    let (ts, sig) = signed(&[1; 32], b"{}", now());
    let (nonce, previous) = verify_signature(&s, &c, &request(&ts, &sig, b"{}"), now()).unwrap();
    assert_eq!(nonce, NONCE);
    assert!(!previous, "signed with the current secret");
    let tampered = verify_signature(&s, &c, &request(&ts, &sig, b"{ }"), now());
    assert!(matches!(tampered, Err(AgentError::InvalidSignature(_))));
    let other_key = signed(&[2; 32], b"{}", now());
    let wrong = verify_signature(&s, &c, &request(&other_key.0, &other_key.1, b"{}"), now());
    assert!(matches!(wrong, Err(AgentError::InvalidSignature(_))));
}

#[test]
fn the_previous_secret_verifies_only_during_the_overlap() {
    let s = sealer();
    let mut c = credentials(&s, &[1; 32]);
    let binding = agent_secret_binding(c.organization_id, c.agent.instance_id);
    let until = now() + Duration::seconds(300);
    c.previous = Some((s.seal(&[9; 32], &binding).unwrap(), until));
    let (ts, sig) = signed(&[9; 32], b"x", now());
    let (_, previous) = verify_signature(&s, &c, &request(&ts, &sig, b"x"), now()).unwrap();
    assert!(
        previous,
        "known to be the previous secret (it may not rotate)"
    );
    let late = until + Duration::seconds(1);
    let (ts, sig) = signed(&[9; 32], b"x", late);
    let refused = verify_signature(&s, &c, &request(&ts, &sig, b"x"), late);
    assert!(matches!(refused, Err(AgentError::InvalidSignature(_))));
}

#[test]
fn skew_and_a_secret_sealed_for_another_agent_are_refused() {
    let s = sealer();
    let c = credentials(&s, &[1; 32]);
    let old = now() - Duration::seconds(301);
    let (ts, sig) = signed(&[1; 32], b"", old);
    let skewed = verify_signature(&s, &c, &request(&ts, &sig, b""), now());
    assert!(matches!(skewed, Err(AgentError::InvalidSignature(_))));
    // The same sealed value under another agent's binding does not open.
    let mut moved = credentials(&s, &[1; 32]);
    moved.secret = c.secret.clone();
    let (ts, sig) = signed(&[1; 32], b"", now());
    let refused = verify_signature(&s, &moved, &request(&ts, &sig, b""), now());
    assert!(matches!(refused, Err(AgentError::InvalidSignature(_))));
}
