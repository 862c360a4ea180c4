//! Bodies of the agent routes (API.md, "Agents").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_domain::agents::{EnrollmentRequest, HeartbeatInput};
use xdr_service::AgentView;

use super::detection::EventBody;
use crate::extract::SignedBody;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub enrollment_token: String,
    /// Made by the agent and kept on its disk: a retry with it is the same agent.
    pub instance_id: String,
    pub hostname: String,
    #[schema(example = "linux")]
    pub platform: String,
    pub os_version: Option<String>,
    pub ip_address: Option<String>,
    pub agent_version: Option<String>,
    /// The agent this host replaces (disconnected for at least 10 minutes).
    pub replaces: Option<String>,
}

impl EnrollRequest {
    pub fn facts(&self) -> EnrollmentRequest {
        EnrollmentRequest {
            instance_id: self.instance_id.clone(),
            hostname: self.hostname.clone(),
            platform: self.platform.clone(),
            os_version: self.os_version.clone(),
            ip_address: self.ip_address.clone(),
            agent_version: self.agent_version.clone(),
            replaces: self.replaces.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollResponse {
    pub agent_id: Uuid,
    /// 32 random bytes, base64url without padding: shown only here.
    pub agent_secret: String,
    pub heartbeat_interval_seconds: u64,
    pub server_time: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRequest {
    #[schema(example = "ok")]
    pub status: Option<String>,
    /// Free-form numbers about the agent (at most 16 KiB).
    pub metrics: Option<serde_json::Map<String, serde_json::Value>>,
    pub buffered_events: Option<i64>,
    pub dropped_events: Option<i64>,
    /// The instance id the agent enrolled as; another one is a clone (409).
    pub instance_id: Option<String>,
}

impl HeartbeatRequest {
    pub fn input(&self) -> HeartbeatInput {
        HeartbeatInput {
            status: self.status.clone(),
            metrics_json: self
                .metrics
                .as_ref()
                .map(|m| serde_json::Value::Object(m.clone()).to_string()),
            buffered_events: self.buffered_events,
            dropped_events: self.dropped_events,
            instance_id: self.instance_id.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeartbeatResponse {
    pub server_time: DateTime<Utc>,
    pub heartbeat_interval_seconds: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentEventsRequest {
    /// Sent again with a retried batch: a batch id seen before stores nothing.
    pub batch_id: Option<String>,
    #[schema(min_items = 1, max_items = 1000)]
    pub events: Vec<EventBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentEventsResponse {
    pub accepted: usize,
    pub duplicate: bool,
    pub incidents_opened: Vec<Uuid>,
}

/// rotate-secret and unenroll carry no fields (an empty body is `{}`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyRequest {}

#[derive(Debug, Serialize, ToSchema)]
pub struct RotateSecretResponse {
    /// The new secret; the previous one keeps working for 5 minutes.
    pub agent_secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentBody {
    pub id: Uuid,
    pub instance_id: Uuid,
    pub hostname: String,
    pub platform: String,
    pub os_version: Option<String>,
    pub ip_address: Option<String>,
    pub agent_version: Option<String>,
    #[schema(example = "active")]
    pub status: String,
    pub enrolled_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub enrollment_token_id: Option<Uuid>,
    pub buffered_events: u64,
    pub dropped_events: u64,
}

impl From<&AgentView> for AgentBody {
    fn from(v: &AgentView) -> Self {
        let a = &v.agent;
        Self {
            id: a.id.as_uuid(),
            instance_id: a.instance_id,
            hostname: a.hostname.clone(),
            platform: a.platform.as_str().to_owned(),
            os_version: a.os_version.clone(),
            ip_address: a.ip_address.clone(),
            agent_version: a.agent_version.clone(),
            status: v.status.as_str().to_owned(),
            enrolled_at: a.enrolled_at,
            last_seen_at: a.last_seen_at,
            enrollment_token_id: a.enrollment_token_id.map(|t| t.as_uuid()),
            buffered_events: a.buffered_events,
            dropped_events: a.dropped_events,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentList {
    pub items: Vec<AgentBody>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgentQuery {
    /// pending, active, disconnected, revoked, unenrolled or superseded.
    pub status: Option<String>,
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

impl SignedBody for HeartbeatRequest {}
impl SignedBody for EmptyRequest {}
/// The batch's ingest records the nonce in its own transaction.
impl SignedBody for AgentEventsRequest {
    const NONCE_IN_WRITE: bool = true;
}
