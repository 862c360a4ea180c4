//! Verifying a signed agent request (API.md, "Signed requests"): the agent by its id (across
//! organizations: the header is all the request has), the signature under its secret (or,
//! during a rotation's overlap, the previous one), then the nonce, recorded in the database
//! so that every server instance refuses a replay. Every refusal is the same 401.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use xdr_auth::agent_signature::{SignatureError, SignedRequest, verify};
use xdr_auth::blocking;
use xdr_domain::agents::agent_secret_binding;
use xdr_domain::ports::{AgentCredentials, Sealer};
use xdr_domain::{AgentId, OrganizationId};

use super::{AgentError, AgentService};

/// How long a nonce is remembered: longer than the ±300 s a timestamp may be off, so a replay
/// is refused for as long as its timestamp is acceptable.
pub const NONCE_MEMORY_SECONDS: i64 = 600;

/// A signed request as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedInput<'a> {
    pub agent_id: Option<&'a str>,
    pub method: &'a str,
    pub path_with_query: &'a str,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

/// The agent a request's signature proved, in its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentCaller {
    pub organization_id: OrganizationId,
    pub agent_id: AgentId,
    pub instance_id: Uuid,
    pub hostname: String,
}

fn reason(e: &SignatureError) -> &'static str {
    match e {
        SignatureError::Missing(_) => "a signature header is missing",
        SignatureError::MalformedTimestamp => "malformed timestamp",
        SignatureError::MalformedNonce => "malformed nonce",
        SignatureError::MalformedSignature => "malformed signature",
        SignatureError::Skewed { .. } => "timestamp outside the allowed skew",
        SignatureError::Mismatch => "signature mismatch",
    }
}

/// Checks `request` under the agent's current secret, else under the previous one while its
/// overlap lasts. Returns the nonce to record.
pub(crate) fn verify_signature(
    sealer: &dyn Sealer,
    credentials: &AgentCredentials,
    request: &SignedRequest<'_>,
    now: DateTime<Utc>,
) -> Result<String, AgentError> {
    let binding = agent_secret_binding(credentials.organization_id, credentials.agent.instance_id);
    let mut candidates = vec![&credentials.secret];
    if let Some((previous, until)) = &credentials.previous
        && now < *until
    {
        candidates.push(previous);
    }
    let mut last = AgentError::InvalidSignature("signature mismatch");
    for sealed in candidates {
        let key = sealer.open(sealed, &binding).map_err(|e| {
            tracing::error!(agent_id = %credentials.agent.id, error = %e,
                "an agent secret does not open");
            AgentError::InvalidSignature("the agent secret does not open")
        })?;
        match verify(key.expose(), request, now.timestamp()) {
            Ok(verified) => return Ok(verified.nonce),
            // Only a wrong tag may be the other secret's; the rest would fail again.
            Err(SignatureError::Mismatch) => {}
            Err(e) => return Err(AgentError::InvalidSignature(reason(&e))),
        }
        last = AgentError::InvalidSignature("signature mismatch");
    }
    Err(last)
}

impl AgentService {
    /// The agent that signed `input`, or `InvalidSignature`.
    pub async fn authenticate(&self, input: SignedInput<'_>) -> Result<AgentCaller, AgentError> {
        let agent_id: AgentId = input
            .agent_id
            .ok_or(AgentError::InvalidSignature("X-Agent-Id is missing"))?
            .parse()
            .map_err(|_| AgentError::InvalidSignature("X-Agent-Id is not an agent id"))?;
        let ports = Arc::clone(&self.ports);
        let credentials = blocking::run(move || ports.agents.agent_credentials(agent_id))
            .await?
            .ok_or(AgentError::InvalidSignature("unknown agent"))?;
        if !credentials.agent.may_sign_in() {
            return Err(AgentError::InvalidSignature("the agent is not active"));
        }
        let now = self.clock.now();
        let request = SignedRequest {
            method: input.method,
            path_with_query: input.path_with_query,
            timestamp: input.timestamp,
            nonce: input.nonce,
            signature: input.signature,
            body: input.body,
        };
        let nonce = verify_signature(self.ports.sealer.as_ref(), &credentials, &request, now)?;
        let org = credentials.organization_id;
        let ports = Arc::clone(&self.ports);
        let forget_before = now - Duration::seconds(NONCE_MEMORY_SECONDS);
        let fresh = blocking::run(move || {
            ports
                .agents
                .record_nonce(org, agent_id, &nonce, now, forget_before)
        })
        .await?;
        if !fresh {
            return Err(AgentError::InvalidSignature("replayed nonce"));
        }
        Ok(AgentCaller {
            organization_id: org,
            agent_id,
            instance_id: credentials.agent.instance_id,
            hostname: credentials.agent.hostname,
        })
    }
}

#[cfg(test)]
#[path = "signed_tests.rs"]
mod tests;
