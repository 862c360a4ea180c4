//! Bodies of events, incidents, detection rules and the dashboard.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{
    DashboardSummary, EventInput, Incident, RuleKind, RuleSettings, rounded_risk,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    #[schema(example = "cowrie.login.failed")]
    pub event_type: String,
    #[schema(example = "203.0.113.7")]
    pub src_ip: String,
    pub dst_ip: Option<String>,
    #[schema(example = 22, minimum = 0, maximum = 65535)]
    pub dst_port: Option<i64>,
    pub hostname: Option<String>,
    pub username: Option<String>,
    pub message: Option<String>,
    /// The original record, any JSON.
    pub raw: Option<serde_json::Value>,
    pub occurred_at: Option<DateTime<Utc>>,
}

impl From<EventBody> for EventInput {
    fn from(b: EventBody) -> Self {
        EventInput {
            event_type: b.event_type,
            src_ip: b.src_ip,
            dst_ip: b.dst_ip,
            dst_port: b.dst_port,
            hostname: b.hostname,
            username: b.username,
            message: b.message,
            raw: b.raw.map(|v| v.to_string()),
            occurred_at: b.occurred_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRequest {
    /// 1–1000 events; one invalid event rejects the whole batch.
    #[schema(min_items = 1, max_items = 1000)]
    pub events: Vec<EventBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    pub accepted: usize,
    pub incidents_opened: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub agent_id: Option<String>,
    /// The log source whose ingest token brought the event (agentless ingest).
    pub log_source_id: Option<String>,
    pub event_type: String,
    pub src_ip: String,
    pub dst_ip: Option<String>,
    pub dst_port: Option<u16>,
    pub hostname: Option<String>,
    pub username: Option<String>,
    pub message: Option<String>,
    /// The original record, as it was sent.
    pub raw: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

impl From<&Event> for EventView {
    fn from(stored: &Event) -> Self {
        let e = &stored.event;
        Self {
            id: e.id.as_uuid(),
            organization_id: e.organization_id.as_uuid(),
            agent_id: stored.agent_id.clone(),
            log_source_id: stored.log_source_id.clone(),
            event_type: e.event_type.clone(),
            src_ip: e.src_ip.to_string(),
            dst_ip: e.dst_ip.map(|ip| ip.to_string()),
            dst_port: e.dst_port,
            hostname: e.hostname.clone(),
            username: e.username.clone(),
            message: e.message.clone(),
            raw: e.raw.as_deref().map(|r| {
                serde_json::from_str(r).unwrap_or_else(|_| serde_json::Value::String(r.to_owned()))
            }),
            occurred_at: e.occurred_at,
            received_at: e.received_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub event_type: Option<String>,
    #[param(schema_with = crate::dto::schemas::ip_address)]
    pub src_ip: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    #[param(schema_with = crate::dto::schemas::incident_status)]
    pub status: Option<String>,
    #[param(schema_with = crate::dto::schemas::severity)]
    pub severity: Option<String>,
    #[param(schema_with = crate::dto::schemas::ip_address)]
    pub src_ip: Option<String>,
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    pub id: Uuid,
    #[schema(example = "ssh_brute_force")]
    pub rule: String,
    pub title: String,
    pub src_ip: String,
    #[schema(example = "high")]
    pub severity: String,
    pub risk_score: f64,
    #[schema(example = "open")]
    pub status: String,
    pub event_count: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub assignee_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Incident> for IncidentView {
    fn from(i: &Incident) -> Self {
        Self {
            id: i.id.as_uuid(),
            rule: i.rule.as_str().to_owned(),
            title: i.title.clone(),
            src_ip: i.src_ip.to_string(),
            severity: i.severity.as_str().to_owned(),
            risk_score: rounded_risk(i.risk_score),
            status: i.status.as_str().to_owned(),
            event_count: i.event_count,
            first_seen_at: i.first_seen_at,
            last_seen_at: i.last_seen_at,
            assignee_id: i.assignee_id.map(|u| u.as_uuid()),
            note: i.note.clone(),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentList {
    pub items: Vec<IncidentView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetailView {
    #[serde(flatten)]
    pub incident: IncidentView,
    /// The latest 50 events of the incident's source IP since it was first seen.
    pub events: Vec<EventView>,
    /// The latest 50 actions taken on the incident.
    pub actions: Vec<super::containment::ActionLogView>,
}

/// `null` and absent differ for `assignee_id`: null clears it.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Uuid>>, D::Error> {
    Option::<Uuid>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIncidentRequest {
    #[schema(schema_with = crate::dto::schemas::incident_status_or_null)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    #[schema(example = "ssh_brute_force")]
    pub rule: String,
    pub enabled: bool,
    pub threshold: u32,
    pub window_seconds: u32,
}

impl RuleView {
    pub fn new(rule: RuleKind, s: &RuleSettings) -> Self {
        Self {
            rule: rule.as_str().to_owned(),
            enabled: s.enabled,
            threshold: s.threshold,
            window_seconds: s.window_seconds,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleList {
    pub items: Vec<RuleView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRuleRequest {
    pub enabled: Option<bool>,
    pub threshold: Option<u32>,
    pub window_seconds: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceCount {
    pub ip: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    /// Open incidents per severity: `{low, medium, high, critical}`.
    pub open_incidents_by_severity: BTreeMap<String, u64>,
    pub events_last_24h: u64,
    pub active_agents: u64,
    pub top_source_ips: Vec<SourceCount>,
}

impl From<&DashboardSummary> for DashboardView {
    fn from(s: &DashboardSummary) -> Self {
        Self {
            open_incidents_by_severity: s
                .open_by_severity
                .iter()
                .map(|(sev, n)| (sev.as_str().to_owned(), *n))
                .collect(),
            events_last_24h: s.events_last_24h,
            active_agents: s.active_agents,
            top_source_ips: s
                .top_source_ips
                .iter()
                .map(|(ip, count)| SourceCount {
                    ip: ip.clone(),
                    count: *count,
                })
                .collect(),
        }
    }
}
