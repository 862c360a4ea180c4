//! Redeeming an enrollment token: validate what the agent says about itself, then decide from
//! what storage read (the token, an agent with the same instance id, the agent to replace)
//! whether to create an agent, re-issue a secret, or refuse. Storage applies the decision in
//! the transaction that read its inputs.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::agent::{Agent, AgentState};
use crate::ids::AgentId;
use crate::inventory::text;
use crate::onboarding::{AgentPlatform, EnrollmentToken, TokenStatus};
use crate::validation::FieldErrors;

const MAX_HOSTNAME: usize = 255;
const MAX_VERSION: usize = 100;

/// An enrollment request as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnrollmentRequest {
    pub instance_id: String,
    pub hostname: String,
    pub platform: String,
    pub os_version: Option<String>,
    pub ip_address: Option<String>,
    pub agent_version: Option<String>,
    pub replaces: Option<String>,
}

/// A validated enrollment request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgentFacts {
    pub instance_id: Uuid,
    pub hostname: String,
    pub platform: AgentPlatform,
    pub os_version: Option<String>,
    pub ip_address: Option<IpAddr>,
    pub agent_version: Option<String>,
    pub replaces: Option<AgentId>,
}

impl NewAgentFacts {
    pub fn parse(r: &EnrollmentRequest) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let instance_id = errors.check("instance_id", Uuid::parse_str(&r.instance_id));
        let hostname = text::name(&mut errors, "hostname", &r.hostname, MAX_HOSTNAME);
        let platform = match r.platform.parse::<AgentPlatform>() {
            Ok(AgentPlatform::None) | Err(_) => {
                errors.add("platform", "must be one of linux, windows, macos, docker");
                None
            }
            Ok(p) => Some(p),
        };
        let mut optional = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .and_then(|v| text::name(&mut errors, field, v, MAX_VERSION))
        };
        let os_version = optional("os_version", &r.os_version);
        let agent_version = optional("agent_version", &r.agent_version);
        let ip_address = r
            .ip_address
            .as_deref()
            .and_then(|ip| errors.check("ip_address", ip.trim().parse::<IpAddr>()));
        let replaces = r
            .replaces
            .as_deref()
            .and_then(|id| errors.check("replaces", id.parse::<AgentId>()));
        match (instance_id, hostname, platform, errors.is_empty()) {
            (Some(instance_id), Some(hostname), Some(platform), true) => Ok(Self {
                instance_id,
                hostname,
                platform,
                os_version,
                ip_address,
                agent_version,
                replaces,
            }),
            _ => Err(errors),
        }
    }
}

/// Why a redemption is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollRefused {
    /// Unknown, expired, used-up or revoked: one answer for all.
    InvalidToken,
    /// `replaces` names no agent of the organization, the agent itself, or one that is not
    /// silent for long enough.
    NotReplaceable,
}

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrollment {
    /// A new agent; the token's use count goes up.
    Create { agent_id: AgentId },
    /// The agent with this instance id enrolls again with another token (or after it was
    /// revoked or unenrolled): new secret, active again; the token's use count goes up.
    Reenroll { agent_id: AgentId },
    /// A retry of an enrollment whose answer the agent never received: a new secret, no use.
    Reissue { agent_id: AgentId },
}

impl Enrollment {
    pub fn agent_id(self) -> AgentId {
        match self {
            Enrollment::Create { agent_id }
            | Enrollment::Reenroll { agent_id }
            | Enrollment::Reissue { agent_id } => agent_id,
        }
    }

    pub fn uses_token(self) -> bool {
        !matches!(self, Enrollment::Reissue { .. })
    }
}

/// Decides a redemption. `token` is the one whose hash matched, `existing` the organization's
/// agent with the request's instance id, `replaced` the agent `replaces` names (looked up in
/// the token's organization only).
pub fn decide(
    token: Option<&EnrollmentToken>,
    existing: Option<&Agent>,
    replaced: Option<&Agent>,
    facts: &NewAgentFacts,
    now: DateTime<Utc>,
) -> Result<Enrollment, EnrollRefused> {
    let token = token.ok_or(EnrollRefused::InvalidToken)?;
    let status = token.status(now);
    if let Some(agent) = existing {
        let retry = agent.enrollment_token_id == Some(token.id)
            && agent.state == AgentState::Active
            && agent.last_seen_at.is_none()
            && matches!(status, TokenStatus::Active | TokenStatus::UsedUp);
        if retry {
            // A retry repeats the first request, `replaces` included: the agent it names must
            // still be one that request could retire (or the one it already retired), never
            // this agent, never one that has been heard from since.
            if let Some(wanted) = facts.replaces {
                let ok = replaced.is_some_and(|r| {
                    r.id == wanted
                        && r.id != agent.id
                        && (r.state == AgentState::Superseded || r.may_be_superseded(now))
                });
                if !ok {
                    return Err(EnrollRefused::NotReplaceable);
                }
            }
            return Ok(Enrollment::Reissue { agent_id: agent.id });
        }
    }
    if status != TokenStatus::Active {
        return Err(EnrollRefused::InvalidToken);
    }
    if let Some(wanted) = facts.replaces {
        let ok = replaced.is_some_and(|r| {
            r.id == wanted && existing.is_none_or(|e| e.id != r.id) && r.may_be_superseded(now)
        });
        if !ok {
            return Err(EnrollRefused::NotReplaceable);
        }
    }
    Ok(match existing {
        Some(agent) => Enrollment::Reenroll { agent_id: agent.id },
        None => Enrollment::Create {
            agent_id: AgentId::generate(),
        },
    })
}

#[cfg(test)]
#[path = "enrollment_tests.rs"]
mod tests;
