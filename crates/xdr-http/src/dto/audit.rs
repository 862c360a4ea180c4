//! Audit log bodies: entries, pages, filters (query string) and the verification report.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use xdr_domain::audit::{AuditCursor, AuditEntry, AuditFilter, AuditVerification};
use xdr_domain::{FieldErrors, UserId};

use crate::error::ApiError;

/// One audit entry (docs/audit.md, "Entry shape").
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    #[schema(example = "auth.login")]
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub success: bool,
    pub error: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Hex SHA-256 linking this entry into its organization's chain.
    pub hash: String,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(stored: &AuditEntry) -> Self {
        let e = &stored.entry;
        Self {
            id: stored.id.as_uuid(),
            created_at: stored.created_at,
            actor_id: e.actor_id.map(|a| a.as_uuid()),
            actor_email: e.actor_email.clone(),
            action: e.action.as_str().to_owned(),
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id.clone(),
            success: e.success,
            error: e.error.clone(),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            details: e.details.clone(),
            hash: stored.hash.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntryView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerificationView {
    pub valid: bool,
    pub entries_checked: u64,
    pub first_bad_id: Option<Uuid>,
}

impl From<AuditVerification> for AuditVerificationView {
    fn from(v: AuditVerification) -> Self {
        Self {
            valid: v.valid,
            entries_checked: v.entries_checked,
            first_bad_id: v.first_bad_id.map(|id| id.as_uuid()),
        }
    }
}

/// Filters shared by the list and the export. `since` inclusive, `until` exclusive.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    /// e.g. `auth.login_failed`
    #[param(schema_with = crate::dto::schemas::audit_action)]
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub resource_type: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Page size (default 50), clamped into 1–500.
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Ndjson,
    Csv,
}

impl From<ExportFormat> for xdr_service::ExportFormat {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Ndjson => Self::Ndjson,
            ExportFormat::Csv => Self::Csv,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditExportQuery {
    /// `ndjson` (default) or `csv`.
    #[param(schema_with = crate::dto::schemas::export_format)]
    pub format: Option<ExportFormat>,
    #[param(schema_with = crate::dto::schemas::audit_action)]
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub resource_type: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Validates the filter fields; an unknown action is a 422.
pub fn audit_filter(
    action: Option<&str>,
    actor_id: Option<Uuid>,
    resource_type: Option<&str>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Result<AuditFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let action = action.and_then(|a| errors.check("action", a.parse()));
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(AuditFilter {
        action,
        actor_id: actor_id.map(UserId::from_uuid),
        resource_type: resource_type.map(str::to_owned),
        since,
        until,
    })
}

const CURSOR_PREFIX: &str = "a1:";

/// An opaque cursor: base64url of a versioned chain position.
pub fn encode_cursor(cursor: AuditCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{}", cursor.before_seq))
}

pub fn decode_cursor(raw: &str) -> Result<AuditCursor, ApiError> {
    let invalid = || {
        let mut errors = FieldErrors::new();
        errors.add("cursor", "is not a cursor returned by this endpoint");
        ApiError::validation(errors)
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let before_seq = text
        .strip_prefix(CURSOR_PREFIX)
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(invalid)?;
    Ok(AuditCursor { before_seq })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = AuditCursor { before_seq: 42 };
        assert_eq!(decode_cursor(&encode_cursor(c)).unwrap(), c);
        assert!(decode_cursor("!!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("a1:-3")).is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("42")).is_err());
    }

    #[test]
    fn unknown_action_is_a_validation_error() {
        let e = audit_filter(Some("auth.nope"), None, None, None, None).unwrap_err();
        assert_eq!(e.code(), "validation_failed");
        let f = audit_filter(Some("auth.login"), None, None, None, None).unwrap();
        assert_eq!(f.action, Some(xdr_domain::audit::AuditAction::AuthLogin));
    }
}
