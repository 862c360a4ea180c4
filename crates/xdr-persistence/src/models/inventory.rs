//! Rows of `log_sources` and `ml_models`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::inventory::{LogSource, LogSourceType, MlModel, ModelStatus};

use super::parse_stored;
use crate::schema::{log_sources, ml_models};
use crate::time::{from_db, to_db};

pub(crate) type LogSourceColumns = (
    log_sources::id,
    log_sources::organization_id,
    log_sources::name,
    log_sources::source_type,
    log_sources::hostname,
    log_sources::description,
    log_sources::enabled,
    log_sources::created_at,
    log_sources::updated_at,
);
pub(crate) const LOG_SOURCE_COLUMNS: LogSourceColumns = (
    log_sources::id,
    log_sources::organization_id,
    log_sources::name,
    log_sources::source_type,
    log_sources::hostname,
    log_sources::description,
    log_sources::enabled,
    log_sources::created_at,
    log_sources::updated_at,
);

#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = log_sources, treat_none_as_null = true)]
pub(crate) struct LogSourceRow {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub source_type: String,
    pub hostname: Option<String>,
    pub description: Option<String>,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl LogSourceRow {
    pub(crate) fn new(organization_id: String, s: &LogSource) -> Self {
        Self {
            id: s.id.to_string(),
            organization_id,
            name: s.name.clone(),
            source_type: s.source_type.as_str().to_owned(),
            hostname: s.hostname.clone(),
            description: s.description.clone(),
            enabled: s.enabled,
            created_at: to_db(s.created_at),
            updated_at: to_db(s.updated_at),
        }
    }
}

impl TryFrom<LogSourceRow> for LogSource {
    type Error = RepoError;

    fn try_from(row: LogSourceRow) -> Result<Self, RepoError> {
        Ok(LogSource {
            id: parse_stored(&row.id, "log_sources.id")?,
            name: row.name,
            source_type: parse_stored::<LogSourceType>(
                &row.source_type,
                "log_sources.source_type",
            )?,
            hostname: row.hostname,
            description: row.description,
            enabled: row.enabled,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

pub(crate) type MlModelColumns = (
    ml_models::id,
    ml_models::organization_id,
    ml_models::name,
    ml_models::kind,
    ml_models::version,
    ml_models::status,
    ml_models::metrics,
    ml_models::created_at,
    ml_models::updated_at,
);
pub(crate) const ML_MODEL_COLUMNS: MlModelColumns = (
    ml_models::id,
    ml_models::organization_id,
    ml_models::name,
    ml_models::kind,
    ml_models::version,
    ml_models::status,
    ml_models::metrics,
    ml_models::created_at,
    ml_models::updated_at,
);

#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = ml_models)]
pub(crate) struct MlModelRow {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub kind: String,
    pub version: String,
    pub status: String,
    pub metrics: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl MlModelRow {
    pub(crate) fn new(organization_id: String, m: &MlModel) -> Self {
        Self {
            id: m.id.to_string(),
            organization_id,
            name: m.name.clone(),
            kind: m.kind.clone(),
            version: m.version.clone(),
            status: m.status.as_str().to_owned(),
            metrics: m.metrics.clone(),
            created_at: to_db(m.created_at),
            updated_at: to_db(m.updated_at),
        }
    }
}

impl TryFrom<MlModelRow> for MlModel {
    type Error = RepoError;

    fn try_from(row: MlModelRow) -> Result<Self, RepoError> {
        Ok(MlModel {
            id: parse_stored(&row.id, "ml_models.id")?,
            name: row.name,
            kind: row.kind,
            version: row.version,
            status: parse_stored::<ModelStatus>(&row.status, "ml_models.status")?,
            metrics: row.metrics,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}
