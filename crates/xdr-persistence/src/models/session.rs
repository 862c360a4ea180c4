use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::identity::{NewSession, Session};

use super::parse_stored;
use crate::schema::{retired_refresh_tokens, sessions};
use crate::time::{from_db, to_db};

/// The columns a `Session` needs (not the refresh hash: it never leaves storage).
/// The columns of [`SessionRow`], in field order: use with `.select(..)` and `.returning(..)`.
pub(crate) type SessionColumns = (
    sessions::id,
    sessions::organization_id,
    sessions::user_id,
    sessions::generation,
    sessions::user_agent,
    sessions::ip,
    sessions::created_at,
    sessions::last_used_at,
    sessions::expires_at,
    sessions::revoked_at,
);
pub(crate) const SESSION_COLUMNS: SessionColumns = (
    sessions::id,
    sessions::organization_id,
    sessions::user_id,
    sessions::generation,
    sessions::user_agent,
    sessions::ip,
    sessions::created_at,
    sessions::last_used_at,
    sessions::expires_at,
    sessions::revoked_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct SessionRow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub generation: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl TryFrom<SessionRow> for Session {
    type Error = RepoError;

    fn try_from(row: SessionRow) -> Result<Self, RepoError> {
        Ok(Session {
            id: parse_stored(&row.id, "sessions.id")?,
            organization_id: parse_stored(&row.organization_id, "sessions.organization_id")?,
            user_id: parse_stored(&row.user_id, "sessions.user_id")?,
            generation: row.generation,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: from_db(row.created_at),
            last_used_at: from_db(row.last_used_at),
            expires_at: from_db(row.expires_at),
            revoked_at: row.revoked_at.map(from_db),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub(crate) struct NewSessionRow {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub refresh_token_hash: String,
    pub generation: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl From<&NewSession> for NewSessionRow {
    fn from(s: &NewSession) -> Self {
        let created_at = to_db(s.created_at);
        Self {
            id: s.id.to_string(),
            organization_id: s.organization_id.to_string(),
            user_id: s.user_id.to_string(),
            refresh_token_hash: s.refresh_token_hash.as_str().to_owned(),
            generation: 0,
            user_agent: s.user_agent.clone(),
            ip: s.ip.clone(),
            created_at,
            last_used_at: created_at,
            expires_at: to_db(s.expires_at),
        }
    }
}

/// A whole row of `retired_refresh_tokens` (field order = column order).
#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = retired_refresh_tokens)]
pub(crate) struct RetiredTokenRow {
    pub token_hash: String,
    pub session_id: String,
    pub organization_id: String,
    pub retired_at: NaiveDateTime,
}
