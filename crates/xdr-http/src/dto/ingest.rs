//! Bodies of agentless ingest: ingest tokens, a log source's ingest status, HEC's answers and
//! the original system's `/ingest/multi`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use xdr_domain::inventory::{IngestStatus, IngestToken, IngestTokenInput};
use xdr_service::ingest::{IssuedIngestToken, LegacyBatch, LegacyReport};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIngestTokenRequest {
    #[schema(example = "cowrie on hp-01")]
    pub label: Option<String>,
    /// Absent: the token lasts until revoked. At most 366 days ahead.
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<CreateIngestTokenRequest> for IngestTokenInput {
    fn from(b: CreateIngestTokenRequest) -> Self {
        IngestTokenInput {
            label: b.label,
            expires_at: b.expires_at,
        }
    }
}

/// A new token: `token` is shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedIngestTokenView {
    pub id: Uuid,
    pub token: String,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<&IssuedIngestToken> for IssuedIngestTokenView {
    fn from(t: &IssuedIngestToken) -> Self {
        Self {
            id: t.stored.id.as_uuid(),
            token: t.token.expose().to_owned(),
            label: t.stored.label.clone(),
            created_at: t.stored.created_at,
            expires_at: t.stored.expires_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestTokenView {
    pub id: Uuid,
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&IngestToken> for IngestTokenView {
    fn from(t: &IngestToken) -> Self {
        Self {
            id: t.id.as_uuid(),
            label: t.label.clone(),
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// What a log source's agentless senders brought.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct IngestStatusView {
    pub received: u64,
    pub parsed: u64,
    pub rejected: u64,
    /// The last reason a record was refused, `"event N: reason"`.
    pub last_error: Option<String>,
    pub last_event_at: Option<DateTime<Utc>>,
}

impl From<&IngestStatus> for IngestStatusView {
    fn from(s: &IngestStatus) -> Self {
        Self {
            received: s.received,
            parsed: s.parsed,
            rejected: s.rejected,
            last_error: s.last_error.clone(),
            last_event_at: s.last_event_at,
        }
    }
}

/// HEC's own answer shape, so that senders' retry logic works.
#[derive(Debug, Serialize, ToSchema)]
pub struct HecAnswer {
    #[schema(example = "Success")]
    pub text: &'static str,
    #[schema(example = 0)]
    pub code: u8,
    /// For code 6: the 0-based index of the first envelope that could not be read.
    #[serde(
        rename = "invalid-event-number",
        skip_serializing_if = "Option::is_none"
    )]
    pub invalid_event_number: Option<usize>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LegacyIngestRequest {
    #[schema(example = "cowrie")]
    pub source_type: String,
    pub hostname: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
}

impl From<LegacyIngestRequest> for LegacyBatch {
    fn from(b: LegacyIngestRequest) -> Self {
        LegacyBatch {
            source_type: b.source_type,
            hostname: b.hostname,
            events: b.events,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LegacyIngestResponse {
    pub source_type: String,
    pub hostname: Option<String>,
    pub total_events: usize,
    pub processed: usize,
    pub failed: usize,
    pub errors: Vec<String>,
    pub incidents_detected: usize,
}

impl From<LegacyReport> for LegacyIngestResponse {
    fn from(r: LegacyReport) -> Self {
        Self {
            source_type: r.source_type,
            hostname: r.hostname,
            total_events: r.total_events,
            processed: r.processed,
            failed: r.failed,
            errors: r.errors,
            incidents_detected: r.incidents_detected,
        }
    }
}
