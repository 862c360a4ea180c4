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
use xdr_domain::ports::{AgentCredentials, NonceUse, Sealer};
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
    /// The request verified under the secret a rotation replaced (still in its overlap).
    /// Such a request may do what the agent does, but not rotate again.
    pub signed_with_previous: bool,
}

/// A request whose signature verified, with its nonce not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub caller: AgentCaller,
    pub nonce: NonceUse,
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
/// overlap lasts. Returns the nonce to record and whether the previous secret signed.
pub(crate) fn verify_signature(
    sealer: &dyn Sealer,
    credentials: &AgentCredentials,
    request: &SignedRequest<'_>,
    now: DateTime<Utc>,
) -> Result<(String, bool), AgentError> {
    let binding = agent_secret_binding(credentials.organization_id, credentials.agent.instance_id);
    let mut candidates = vec![&credentials.secret];
    if let Some((previous, until)) = &credentials.previous
        && now < *until
    {
        candidates.push(previous);
    }
    let mut last = AgentError::InvalidSignature("signature mismatch");
    for (index, sealed) in candidates.into_iter().enumerate() {
        let key = sealer.open(sealed, &binding).map_err(|e| {
            tracing::error!(agent_id = %credentials.agent.id, error = %e,
                "an agent secret does not open");
            AgentError::InvalidSignature("the agent secret does not open")
        })?;
        match verify(key.expose(), request, now.timestamp()) {
            Ok(verified) => return Ok((verified.nonce, index > 0)),
            // Only a wrong tag may be the other secret's; the rest would fail again.
            Err(SignatureError::Mismatch) => {}
            Err(e) => return Err(AgentError::InvalidSignature(reason(&e))),
        }
        last = AgentError::InvalidSignature("signature mismatch");
    }
    Err(last)
}

impl AgentService {
    /// The agent that signed `input` (nonce recorded), or `InvalidSignature`.
    pub async fn authenticate(&self, input: SignedInput<'_>) -> Result<AgentCaller, AgentError> {
        let verified = self.verify(input).await?;
        self.record_nonce(&verified).await?;
        Ok(verified.caller)
    }

    /// Records a verified request's nonce; a nonce seen before is `InvalidSignature`. A
    /// request whose nonce is not recorded here must be one whose write records it
    /// (`ingest` does).
    pub async fn record_nonce(&self, verified: &Verified) -> Result<(), AgentError> {
        let (org, agent) = (verified.caller.organization_id, verified.caller.agent_id);
        let nonce = verified.nonce.clone();
        let now = self.clock.now();
        let ports = Arc::clone(&self.ports);
        let fresh = blocking::run(move || {
            ports
                .agents
                .record_nonce(org, agent, &nonce.nonce, now, nonce.forget_before)
        })
        .await?;
        if fresh {
            Ok(())
        } else {
            Err(AgentError::InvalidSignature("replayed nonce"))
        }
    }

    /// Forgets nonces too old to be replayed, in every organization (a periodic sweep).
    pub async fn prune_nonces(&self) -> Result<u64, AgentError> {
        let before = self.clock.now() - Duration::seconds(NONCE_MEMORY_SECONDS);
        let ports = Arc::clone(&self.ports);
        Ok(blocking::run(move || ports.agents.prune_nonces(before)).await?)
    }

    /// The agent that signed `input`, its nonce still to record (with `record_nonce`, or in
    /// the request's own write).
    pub async fn verify(&self, input: SignedInput<'_>) -> Result<Verified, AgentError> {
        let agent_id: AgentId = input
            .agent_id
            .ok_or(AgentError::InvalidSignature("X-Agent-Id is missing"))?
            .parse()
            .map_err(|_| AgentError::InvalidSignature("X-Agent-Id is not an agent id"))?;
        let credentials = match self.credentials.get(agent_id) {
            Some(cached) => cached,
            None => {
                let ports = Arc::clone(&self.ports);
                let read = blocking::run(move || ports.agents.agent_credentials(agent_id))
                    .await?
                    .ok_or(AgentError::InvalidSignature("unknown agent"))?;
                let read = Arc::new(read);
                self.credentials.put(agent_id, Arc::clone(&read));
                read
            }
        };
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
        let (nonce, signed_with_previous) =
            verify_signature(self.ports.sealer.as_ref(), &credentials, &request, now)?;
        Ok(Verified {
            caller: AgentCaller {
                organization_id: credentials.organization_id,
                agent_id,
                instance_id: credentials.agent.instance_id,
                hostname: credentials.agent.hostname.clone(),
                signed_with_previous,
            },
            nonce: NonceUse {
                nonce,
                forget_before: now - Duration::seconds(NONCE_MEMORY_SECONDS),
            },
        })
    }
}

#[cfg(test)]
#[path = "signed_tests.rs"]
mod tests;
