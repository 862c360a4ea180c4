//! What a verified agent sends: heartbeats, event batches (the same ingest and detection as
//! `POST /events`), a secret rotation and its unenrollment.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use uuid::Uuid;
use xdr_auth::agent_signature::decode_secret;
use xdr_auth::audit_trail::entry;
use xdr_auth::{ClientInfo, InternalError, blocking};
use xdr_crypto::{SecretToken, random_token};
use xdr_domain::agents::{
    AgentState, Heartbeat, HeartbeatInput, SECRET_OVERLAP_SECONDS, agent_secret_binding,
};
use xdr_domain::audit::AuditAction;
use xdr_domain::detection::{EventInput, validate_batch};
use xdr_domain::ports::{BatchOutcome, HeartbeatOutcome, NonceUse};
use xdr_domain::telemetry::EventSource;
use xdr_domain::{FieldErrors, IncidentId, RepoError};

use super::enroll::RESOURCE_AGENT;
use super::{AgentCaller, AgentError, AgentService};
use crate::containment::apply_policies_after;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatAck {
    pub server_time: DateTime<Utc>,
    pub heartbeat_interval_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchAck {
    pub accepted: usize,
    pub duplicate: bool,
    pub incidents_opened: Vec<IncidentId>,
}

impl AgentService {
    pub async fn heartbeat(
        &self,
        caller: &AgentCaller,
        input: &HeartbeatInput,
        client: &ClientInfo,
    ) -> Result<HeartbeatAck, AgentError> {
        let heartbeat = Heartbeat::parse(input).map_err(AgentError::Validation)?;
        let (org, agent, now) = (caller.organization_id, caller.agent_id, self.clock.now());
        let clone_audit = entry(org, AuditAction::AgentCloneDetected, RESOURCE_AGENT, client)
            .resource(agent)
            .details(json!({
                "enrolled_instance_id": caller.instance_id,
                "reported_instance_id": heartbeat.instance_id,
            }));
        let ports = Arc::clone(&self.ports);
        let outcome = blocking::run(move || {
            ports
                .agents
                .heartbeat(org, agent, &heartbeat, now, clone_audit)
        })
        .await?;
        match outcome {
            HeartbeatOutcome::Recorded { first } => {
                if first {
                    tracing::info!(organization_id = %org, agent_id = %agent, "first heartbeat");
                }
                Ok(HeartbeatAck {
                    server_time: now,
                    heartbeat_interval_seconds: self.config.heartbeat_interval_seconds,
                })
            }
            HeartbeatOutcome::Clone => {
                tracing::warn!(organization_id = %org, agent_id = %agent,
                    "heartbeat from a clone of the agent");
                Err(AgentError::CloneDetected)
            }
            HeartbeatOutcome::Refused => {
                Err(AgentError::InvalidSignature("the agent is not active"))
            }
        }
    }

    /// Validates the whole batch (one bad event refuses it), then stores it with detection
    /// in one transaction, de-duplicated by `batch_id`; containment acts on what it opened
    /// or grew.
    pub async fn ingest(
        &self,
        caller: &AgentCaller,
        nonce: &NonceUse,
        batch_id: Option<&str>,
        inputs: &[EventInput],
    ) -> Result<BatchAck, AgentError> {
        let now = self.clock.now();
        let org = caller.organization_id;
        let mut errors = FieldErrors::new();
        let batch_id = batch_id.and_then(|id| errors.check("batch_id", Uuid::parse_str(id)));
        let refuse = |errors| {
            self.ports
                .telemetry
                .events_rejected
                .add(EventSource::Agent, inputs.len() as u64);
            AgentError::Validation(errors)
        };
        let events = match validate_batch(org, inputs, now) {
            Ok(events) if errors.is_empty() => events,
            Ok(_) => return Err(refuse(errors)),
            Err(mut invalid) => {
                for (field, problems) in errors.iter() {
                    for problem in problems {
                        invalid.add(field, problem.clone());
                    }
                }
                return Err(refuse(invalid));
            }
        };
        let events = events
            .into_iter()
            .map(|mut e| {
                e.hostname.get_or_insert_with(|| caller.hostname.clone());
                e
            })
            .collect();
        let (ports, agent, nonce) = (Arc::clone(&self.ports), caller.agent_id, nonce.clone());
        let outcome = blocking::run(move || {
            let outcome =
                ports
                    .agents
                    .ingest_batch(org, agent, Some(&nonce), batch_id, events, now)?;
            if let BatchOutcome::Ingested(ingested) = &outcome {
                apply_policies_after(
                    ports.detection.as_ref(),
                    ports.containment.as_ref(),
                    ports.executors.as_ref(),
                    org,
                    ingested,
                    now,
                )?;
            }
            Ok(outcome)
        })
        .await?;
        if let BatchOutcome::Ingested(ingested) = &outcome {
            self.ports.telemetry.ingested(EventSource::Agent, ingested);
        }
        Ok(match outcome {
            BatchOutcome::Ingested(o) => BatchAck {
                accepted: o.accepted,
                duplicate: false,
                incidents_opened: o.incidents_opened,
            },
            BatchOutcome::Duplicate { accepted } => BatchAck {
                accepted,
                duplicate: true,
                incidents_opened: Vec::new(),
            },
            BatchOutcome::Replayed => {
                return Err(AgentError::InvalidSignature("replayed nonce"));
            }
        })
    }

    /// A new secret; the one that signed this request keeps working for five minutes.
    pub async fn rotate_secret(
        &self,
        caller: &AgentCaller,
        client: &ClientInfo,
    ) -> Result<SecretToken, AgentError> {
        if caller.signed_with_previous {
            return Err(AgentError::InvalidSignature(
                "rotation must be signed with the current secret",
            ));
        }
        let org = caller.organization_id;
        let secret = random_token();
        let key = decode_secret(secret.expose()).ok_or_else(|| {
            InternalError::Storage(RepoError::Internal(
                "a generated agent secret is not 32 bytes".into(),
            ))
        })?;
        let sealed = self
            .ports
            .sealer
            .seal(&key, &agent_secret_binding(org, caller.instance_id))
            .map_err(InternalError::from)?;
        let until = self.clock.now() + Duration::seconds(SECRET_OVERLAP_SECONDS);
        let audit = entry(org, AuditAction::AgentSecretRotated, RESOURCE_AGENT, client)
            .resource(caller.agent_id)
            .details(json!({ "previous_valid_until": until }));
        let (ports, agent) = (Arc::clone(&self.ports), caller.agent_id);
        let rotated = blocking::run(move || {
            ports
                .agents
                .rotate_secret(org, agent, &sealed, until, audit)
        })
        .await?;
        self.credentials.forget(caller.agent_id);
        if rotated {
            Ok(secret)
        } else {
            Err(AgentError::InvalidSignature("the agent is not active"))
        }
    }

    pub async fn unenroll(
        &self,
        caller: &AgentCaller,
        client: &ClientInfo,
    ) -> Result<(), AgentError> {
        let org = caller.organization_id;
        let audit = entry(org, AuditAction::AgentUnenrolled, RESOURCE_AGENT, client)
            .resource(caller.agent_id);
        let (ports, agent) = (Arc::clone(&self.ports), caller.agent_id);
        let ended = blocking::run(move || {
            ports
                .agents
                .end_agent(org, agent, AgentState::Unenrolled, audit)
        })
        .await?;
        self.credentials.forget(caller.agent_id);
        match ended {
            Some(a) if a.state == AgentState::Unenrolled => Ok(()),
            _ => Err(AgentError::InvalidSignature("the agent is not active")),
        }
    }
}
