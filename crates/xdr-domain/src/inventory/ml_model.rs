//! Records of the ML model registry: which model (name, kind, version) is in which state, and
//! its evaluation metrics. The models themselves live elsewhere.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::text;
use crate::detection::UnknownValue;
use crate::ids::MlModelId;
use crate::validation::FieldErrors;

const MAX_NAME_CHARS: usize = 100;
const MAX_KIND_LEN: usize = 64;
const MAX_VERSION_LEN: usize = 64;
/// Largest serialized `metrics` object.
pub const MAX_METRICS_BYTES: usize = 16 * 1024;
const EMPTY_METRICS: &str = "{}";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelStatus {
    Draft,
    Training,
    Trained,
    Deployed,
    Retired,
}

impl ModelStatus {
    pub const ALL: [ModelStatus; 5] = [
        ModelStatus::Draft,
        ModelStatus::Training,
        ModelStatus::Trained,
        ModelStatus::Deployed,
        ModelStatus::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Draft => "draft",
            ModelStatus::Training => "training",
            ModelStatus::Trained => "trained",
            ModelStatus::Deployed => "deployed",
            ModelStatus::Retired => "retired",
        }
    }
}

impl FromStr for ModelStatus {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ModelStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

impl fmt::Display for ModelStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored model record; (name, version) is unique within its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlModel {
    pub id: MlModelId,
    pub name: String,
    pub kind: String,
    pub version: String,
    pub status: ModelStatus,
    /// A JSON object, serialized.
    pub metrics: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A model record as a client sent it. `metrics` is the client's JSON value, serialized.
#[derive(Debug, Clone, Default)]
pub struct MlModelInput {
    pub name: String,
    pub kind: String,
    pub version: String,
    /// Absent means `draft`.
    pub status: Option<String>,
    /// Absent means `{}`.
    pub metrics: Option<String>,
}

fn kind(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    text::token(errors, "kind", raw, MAX_KIND_LEN, "._-")
}

fn version(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    text::token(errors, "version", raw, MAX_VERSION_LEN, "._+-")
}

fn status(errors: &mut FieldErrors, raw: &str) -> Option<ModelStatus> {
    let problem = format!(
        "must be one of {}",
        ModelStatus::ALL.map(ModelStatus::as_str).join(", ")
    );
    errors.check("status", raw.parse::<ModelStatus>().map_err(|_| problem))
}

/// Serialized JSON is an object exactly when it starts with `{`.
fn metrics(errors: &mut FieldErrors, serialized: &str) -> Option<String> {
    if !serialized.starts_with('{') {
        errors.add("metrics", "must be a JSON object");
        None
    } else if serialized.len() > MAX_METRICS_BYTES {
        errors.add(
            "metrics",
            format!("must be at most {MAX_METRICS_BYTES} bytes of JSON"),
        );
        None
    } else {
        Some(serialized.to_owned())
    }
}

impl MlModelInput {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<MlModel, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text::name(&mut errors, "name", &self.name, MAX_NAME_CHARS);
        let kind = kind(&mut errors, &self.kind);
        let version = version(&mut errors, &self.version);
        let status = match &self.status {
            Some(s) => status(&mut errors, s),
            None => Some(ModelStatus::Draft),
        };
        let metrics = metrics(
            &mut errors,
            self.metrics.as_deref().unwrap_or(EMPTY_METRICS),
        );
        match (name, kind, version, status, metrics) {
            (Some(name), Some(kind), Some(version), Some(status), Some(metrics)) => Ok(MlModel {
                id: MlModelId::generate(),
                name,
                kind,
                version,
                status,
                metrics,
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// A partial update as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct MlModelChangeInput {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub version: Option<String>,
    pub status: Option<String>,
    pub metrics: Option<String>,
}

/// A validated partial update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MlModelChange {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub version: Option<String>,
    pub status: Option<ModelStatus>,
    pub metrics: Option<String>,
}

impl MlModelChange {
    pub fn parse(input: &MlModelChangeInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let change = MlModelChange {
            name: input
                .name
                .as_deref()
                .and_then(|n| text::name(&mut errors, "name", n, MAX_NAME_CHARS)),
            kind: input.kind.as_deref().and_then(|k| kind(&mut errors, k)),
            version: input
                .version
                .as_deref()
                .and_then(|v| version(&mut errors, v)),
            status: input.status.as_deref().and_then(|s| status(&mut errors, s)),
            metrics: input
                .metrics
                .as_deref()
                .and_then(|m| metrics(&mut errors, m)),
        };
        if change == MlModelChange::default() && errors.is_empty() {
            errors.add("body", "give at least one field to change");
        }
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }

    pub fn apply(&self, model: &mut MlModel, now: DateTime<Utc>) {
        if let Some(v) = &self.name {
            model.name = v.clone();
        }
        if let Some(v) = &self.kind {
            model.kind = v.clone();
        }
        if let Some(v) = &self.version {
            model.version = v.clone();
        }
        if let Some(v) = self.status {
            model.status = v;
        }
        if let Some(v) = &self.metrics {
            model.metrics = v.clone();
        }
        model.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MlModelInput {
        MlModelInput {
            name: "SSH anomaly".into(),
            kind: "isolation_forest".into(),
            version: "1.0.0".into(),
            status: None,
            metrics: None,
        }
    }

    #[test]
    fn defaults_are_draft_and_empty_metrics() {
        let m = input().validate(Utc::now()).unwrap();
        assert_eq!(m.status, ModelStatus::Draft);
        assert_eq!(m.metrics, "{}");
    }

    #[test]
    fn metrics_must_be_a_small_object() {
        for bad in ["[1]", "3", "\"x\""] {
            let i = MlModelInput {
                metrics: Some(bad.into()),
                ..input()
            };
            assert!(i.validate(Utc::now()).is_err(), "{bad}");
        }
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_METRICS_BYTES));
        let i = MlModelInput {
            metrics: Some(big),
            ..input()
        };
        assert!(i.validate(Utc::now()).is_err());
    }

    #[test]
    fn changes() {
        assert!(MlModelChange::parse(&MlModelChangeInput::default()).is_err());
        let bad = MlModelChangeInput {
            status: Some("live".into()),
            version: Some("1 0".into()),
            ..Default::default()
        };
        let errors = MlModelChange::parse(&bad).unwrap_err().into_map();
        assert!(errors.contains_key("status") && errors.contains_key("version"));
        let change = MlModelChange::parse(&MlModelChangeInput {
            status: Some("deployed".into()),
            ..Default::default()
        })
        .unwrap();
        let mut m = input().validate(Utc::now()).unwrap();
        change.apply(&mut m, Utc::now());
        assert_eq!(m.status, ModelStatus::Deployed);
    }
}
