//! Bodies of containment policies and action logs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentPolicy};

fn json_or_string(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    pub id: Uuid,
    pub name: String,
    pub enabled: bool,
    pub min_risk_score: f64,
    pub min_event_count: i64,
    #[schema(example = "block_ip")]
    pub action: String,
    #[schema(value_type = Object)]
    pub action_params: serde_json::Value,
    pub priority: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ContainmentPolicy> for PolicyView {
    fn from(p: &ContainmentPolicy) -> Self {
        Self {
            id: p.id.as_uuid(),
            name: p.name.clone(),
            enabled: p.enabled,
            min_risk_score: p.min_risk_score,
            min_event_count: p.min_event_count,
            action: p.action.as_str().to_owned(),
            action_params: json_or_string(&p.action_params),
            priority: p.priority,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyList {
    pub items: Vec<PolicyView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePolicyRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default = "enabled_default")]
    pub enabled: bool,
    pub min_risk_score: f64,
    pub min_event_count: i64,
    #[schema(schema_with = crate::dto::schemas::containment_action)]
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub action_params: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub priority: i32,
}

fn enabled_default() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePolicyRequest {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    pub min_risk_score: Option<f64>,
    pub min_event_count: Option<i64>,
    #[schema(schema_with = crate::dto::schemas::containment_action_or_null)]
    pub action: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub action_params: Option<serde_json::Map<String, serde_json::Value>>,
    pub priority: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    #[schema(schema_with = crate::dto::schemas::containment_action)]
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub params: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `recorded` (the record executor: the log is the hand-off), `pending` (a webhook delivery
/// has not finished yet), then `succeeded` or `failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatusView {
    Recorded,
    Pending,
    Succeeded,
    Failed,
}

impl From<ActionStatus> for ActionStatusView {
    fn from(s: ActionStatus) -> Self {
        match s {
            ActionStatus::Recorded => Self::Recorded,
            ActionStatus::Pending => Self::Pending,
            ActionStatus::Succeeded => Self::Succeeded,
            ActionStatus::Failed => Self::Failed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionLogView {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub policy_id: Option<Uuid>,
    #[schema(example = "block_ip")]
    pub action: String,
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    pub status: ActionStatusView,
    /// `record` or `webhook`.
    #[schema(example = "record")]
    pub executor: String,
    /// What happened: `HTTP 200 after 2 attempts`, `refused: address 10.0.0.5 is private`...
    pub result: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<&ActionLog> for ActionLogView {
    fn from(a: &ActionLog) -> Self {
        Self {
            id: a.id.as_uuid(),
            incident_id: a.incident_id.as_uuid(),
            policy_id: a.policy_id.map(|p| p.as_uuid()),
            action: a.action.as_str().to_owned(),
            params: json_or_string(&a.params),
            status: a.status.into(),
            executor: a.executor.clone(),
            result: a.result.clone(),
            created_by: a.created_by.map(|u| u.as_uuid()),
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionList {
    pub items: Vec<ActionLogView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    pub incident_id: Option<Uuid>,
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}
