//! `ingest_tokens` (stored by hash; reads never select the hash) and `log_source_ingest`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::inventory::{IngestSource, IngestStatus, IngestToken, LogSourceType};

use crate::error::corrupt;
use crate::models::parse_stored;
use crate::schema::ingest_tokens;
use crate::time::{from_db, to_db};

/// Every column but `organization_id` and `token_hash`, in [`IngestTokenRow`]'s field order.
pub(crate) type IngestTokenColumns = (
    ingest_tokens::id,
    ingest_tokens::log_source_id,
    ingest_tokens::label,
    ingest_tokens::created_by,
    ingest_tokens::created_at,
    ingest_tokens::expires_at,
    ingest_tokens::last_used_at,
    ingest_tokens::revoked_at,
);
pub(crate) const INGEST_TOKEN_COLUMNS: IngestTokenColumns = (
    ingest_tokens::id,
    ingest_tokens::log_source_id,
    ingest_tokens::label,
    ingest_tokens::created_by,
    ingest_tokens::created_at,
    ingest_tokens::expires_at,
    ingest_tokens::last_used_at,
    ingest_tokens::revoked_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct IngestTokenRow {
    pub id: String,
    pub log_source_id: String,
    pub label: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = ingest_tokens)]
pub(crate) struct NewIngestTokenRow {
    pub id: String,
    pub organization_id: String,
    pub log_source_id: String,
    pub token_hash: String,
    pub label: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl NewIngestTokenRow {
    pub(crate) fn new(organization_id: String, t: &IngestToken, token_hash: &str) -> Self {
        Self {
            id: t.id.to_string(),
            organization_id,
            log_source_id: t.log_source_id.to_string(),
            token_hash: token_hash.to_owned(),
            label: t.label.clone(),
            created_by: t.created_by.map(|u| u.to_string()),
            created_at: to_db(t.created_at),
            expires_at: t.expires_at.map(to_db),
            last_used_at: t.last_used_at.map(to_db),
            revoked_at: t.revoked_at.map(to_db),
        }
    }
}

impl TryFrom<IngestTokenRow> for IngestToken {
    type Error = RepoError;

    fn try_from(r: IngestTokenRow) -> Result<Self, RepoError> {
        Ok(IngestToken {
            id: parse_stored(&r.id, "ingest_tokens.id")?,
            log_source_id: parse_stored(&r.log_source_id, "ingest_tokens.log_source_id")?,
            label: r.label,
            created_by: r
                .created_by
                .as_deref()
                .map(|u| parse_stored(u, "ingest_tokens.created_by"))
                .transpose()?,
            created_at: from_db(r.created_at),
            expires_at: r.expires_at.map(from_db),
            last_used_at: r.last_used_at.map(from_db),
            revoked_at: r.revoked_at.map(from_db),
        })
    }
}

/// A token joined with its log source: (organization, log source, token, source type, enabled,
/// expires, revoked).
pub(crate) type SourceRow = (
    String,
    String,
    String,
    String,
    bool,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

pub(crate) fn ingest_source(r: SourceRow) -> Result<IngestSource, RepoError> {
    Ok(IngestSource {
        organization_id: parse_stored(&r.0, "ingest_tokens.organization_id")?,
        log_source_id: parse_stored(&r.1, "ingest_tokens.log_source_id")?,
        token_id: parse_stored(&r.2, "ingest_tokens.id")?,
        source_type: parse_stored::<LogSourceType>(&r.3, "log_sources.source_type")?,
        source_enabled: r.4,
        expires_at: r.5.map(from_db),
        revoked_at: r.6.map(from_db),
    })
}

/// (log source, received, parsed, rejected, last error, last event).
pub(crate) type StatusRow = (String, i64, i64, i64, Option<String>, Option<NaiveDateTime>);

fn count(n: i64, column: &str) -> Result<u64, RepoError> {
    u64::try_from(n).map_err(|e| corrupt(column, e))
}

pub(crate) fn ingest_status(r: StatusRow) -> Result<(String, IngestStatus), RepoError> {
    Ok((
        r.0,
        IngestStatus {
            received: count(r.1, "log_source_ingest.received")?,
            parsed: count(r.2, "log_source_ingest.parsed")?,
            rejected: count(r.3, "log_source_ingest.rejected")?,
            last_error: r.4,
            last_event_at: r.5.map(from_db),
        },
    ))
}
