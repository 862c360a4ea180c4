//! Bodies of log sources and ML model records.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use xdr_domain::inventory::{
    IngestStatus, LogSource, LogSourceChangeInput, LogSourceInput, MlModel, MlModelChangeInput,
    MlModelInput,
};

use crate::dto::ingest::IngestStatusView;

/// `null` and absent differ for clearable fields: null clears.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLogSourceRequest {
    #[schema(example = "DMZ honeypot")]
    pub name: String,
    #[schema(schema_with = crate::dto::schemas::log_source_type)]
    pub source_type: String,
    #[schema(example = "hp-01.dmz.example")]
    pub hostname: Option<String>,
    pub description: Option<String>,
    /// Defaults to true.
    pub enabled: Option<bool>,
}

impl From<CreateLogSourceRequest> for LogSourceInput {
    fn from(b: CreateLogSourceRequest) -> Self {
        LogSourceInput {
            name: b.name,
            source_type: b.source_type,
            hostname: b.hostname,
            description: b.description,
            enabled: b.enabled,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLogSourceRequest {
    pub name: Option<String>,
    #[schema(schema_with = crate::dto::schemas::log_source_type_or_null)]
    pub source_type: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub hostname: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

impl From<UpdateLogSourceRequest> for LogSourceChangeInput {
    fn from(b: UpdateLogSourceRequest) -> Self {
        LogSourceChangeInput {
            name: b.name,
            source_type: b.source_type,
            hostname: b.hostname,
            description: b.description,
            enabled: b.enabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogSourceView {
    pub id: Uuid,
    pub name: String,
    #[schema(example = "cowrie")]
    pub source_type: String,
    pub hostname: Option<String>,
    pub description: Option<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What its agentless senders (ingest tokens) brought.
    pub ingest: IngestStatusView,
}

impl LogSourceView {
    pub fn new(s: &LogSource, ingest: &IngestStatus) -> Self {
        Self {
            id: s.id.as_uuid(),
            name: s.name.clone(),
            source_type: s.source_type.as_str().to_owned(),
            hostname: s.hostname.clone(),
            description: s.description.clone(),
            enabled: s.enabled,
            created_at: s.created_at,
            updated_at: s.updated_at,
            ingest: IngestStatusView::from(ingest),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogSourceList {
    pub items: Vec<LogSourceView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMlModelRequest {
    #[schema(example = "SSH anomaly detector")]
    pub name: String,
    #[schema(example = "isolation_forest")]
    pub kind: String,
    #[schema(example = "1.2.0")]
    pub version: String,
    /// draft (default), training, trained, deployed or retired.
    #[schema(schema_with = crate::dto::schemas::model_status_or_null)]
    pub status: Option<String>,
    /// A JSON object of at most 16 KiB; defaults to `{}`.
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<serde_json::Value>,
}

impl From<CreateMlModelRequest> for MlModelInput {
    fn from(b: CreateMlModelRequest) -> Self {
        MlModelInput {
            name: b.name,
            kind: b.kind,
            version: b.version,
            status: b.status,
            metrics: b.metrics.map(|m| m.to_string()),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMlModelRequest {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub version: Option<String>,
    #[schema(schema_with = crate::dto::schemas::model_status_or_null)]
    pub status: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<serde_json::Value>,
}

impl From<UpdateMlModelRequest> for MlModelChangeInput {
    fn from(b: UpdateMlModelRequest) -> Self {
        MlModelChangeInput {
            name: b.name,
            kind: b.kind,
            version: b.version,
            status: b.status,
            metrics: b.metrics.map(|m| m.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MlModelView {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub version: String,
    #[schema(example = "deployed")]
    pub status: String,
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&MlModel> for MlModelView {
    fn from(m: &MlModel) -> Self {
        Self {
            id: m.id.as_uuid(),
            name: m.name.clone(),
            kind: m.kind.clone(),
            version: m.version.clone(),
            status: m.status.as_str().to_owned(),
            // Stored only after validation as an object; an unreadable value shows as empty.
            metrics: serde_json::from_str(&m.metrics)
                .unwrap_or_else(|_| serde_json::Value::Object(serde_json::Map::new())),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MlModelList {
    pub items: Vec<MlModelView>,
    pub next_cursor: Option<String>,
}
