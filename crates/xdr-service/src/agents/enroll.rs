//! `POST /agents/enroll`: redeems an enrollment token for an agent identity. The token's
//! organization is found by its hash (the token is all the agent has); the new secret is
//! sealed to that organization and the agent's instance id before the redemption, which
//! storage then decides and applies atomically (`AgentRepository::enroll`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use xdr_auth::agent_signature::decode_secret;
use xdr_auth::audit_trail::entry;
use xdr_auth::{ClientInfo, InternalError, blocking};
use xdr_crypto::{SecretToken, TOKEN_LEN, hash_token, random_token};
use xdr_domain::AgentId;
use xdr_domain::agents::{
    EnrollRefused, Enrollment, EnrollmentRequest, NewAgentFacts, agent_secret_binding,
};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::ports::EnrolledAgent;
use xdr_domain::{FieldErrors, OrganizationId};

use super::{AgentError, AgentService};

pub const RESOURCE_AGENT: &str = "agent";

/// A redemption's answer; `agent_secret` is shown only here.
#[derive(Debug)]
pub struct Enrolled {
    pub agent_id: AgentId,
    pub agent_secret: SecretToken,
    pub heartbeat_interval_seconds: u64,
    pub server_time: DateTime<Utc>,
}

fn looks_like_a_token(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn audits(org: OrganizationId, client: &ClientInfo, applied: &EnrolledAgent) -> Vec<NewAuditEntry> {
    let kind = match applied.enrollment {
        Enrollment::Create { .. } => "created",
        Enrollment::Reenroll { .. } => "reenrolled",
        Enrollment::Reissue { .. } => "reissued",
    };
    let agent = &applied.agent;
    let mut entries = vec![
        entry(org, AuditAction::AgentEnrolled, RESOURCE_AGENT, client)
            .resource(agent.id.to_string())
            .details(json!({
                "enrollment": kind,
                "instance_id": agent.instance_id,
                "hostname": agent.hostname,
                "platform": agent.platform.as_str(),
                "enrollment_token_id": agent.enrollment_token_id.map(|t| t.to_string()),
            })),
    ];
    if let Some(old) = applied.superseded {
        entries.push(
            entry(org, AuditAction::AgentSuperseded, RESOURCE_AGENT, client)
                .resource(old.to_string())
                .details(json!({ "superseded_by": agent.id })),
        );
    }
    entries
}

impl AgentService {
    pub async fn enroll(
        &self,
        token: &str,
        request: &EnrollmentRequest,
        client: &ClientInfo,
    ) -> Result<Enrolled, AgentError> {
        let facts = NewAgentFacts::parse(request).map_err(AgentError::Validation)?;
        if !looks_like_a_token(token) {
            return Err(AgentError::InvalidEnrollmentToken);
        }
        let hash = hash_token(token);
        let ports = Arc::clone(&self.ports);
        let lookup = hash.clone();
        let org = blocking::run(move || ports.agents.enrollment_token_organization(&lookup))
            .await?
            .ok_or(AgentError::InvalidEnrollmentToken)?;

        let secret = random_token();
        let key = decode_secret(secret.expose()).ok_or_else(|| {
            AgentError::Internal(InternalError::Storage(xdr_domain::RepoError::Internal(
                "a generated agent secret is not 32 bytes".into(),
            )))
        })?;
        let sealed = self
            .ports
            .sealer
            .seal(&key, &agent_secret_binding(org, facts.instance_id))
            .map_err(InternalError::from)?;

        let (ports, client, now) = (Arc::clone(&self.ports), client.clone(), self.clock.now());
        let decided = blocking::run(move || {
            ports
                .agents
                .enroll(org, &hash, &facts, &sealed, now, &|applied| {
                    audits(org, &client, applied)
                })
        })
        .await?;
        match decided {
            Ok(applied) => {
                tracing::info!(organization_id = %org, agent_id = %applied.agent.id,
                    enrollment = ?applied.enrollment, "agent enrolled");
                // A re-enrollment replaced the agent's secret; a superseded agent stops.
                self.credentials.forget(applied.agent.id);
                if let Some(old) = applied.superseded {
                    self.credentials.forget(old);
                }
                Ok(Enrolled {
                    agent_id: applied.agent.id,
                    agent_secret: secret,
                    heartbeat_interval_seconds: self.config.heartbeat_interval_seconds,
                    server_time: now,
                })
            }
            Err(EnrollRefused::InvalidToken) => Err(AgentError::InvalidEnrollmentToken),
            Err(EnrollRefused::NotReplaceable) => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "replaces",
                    "must name an agent of this organization that has been silent for at \
                     least 10 minutes",
                );
                Err(AgentError::Validation(errors))
            }
        }
    }
}
