//! `enrollment_tokens`: stored by hash; reads never select the hash.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::onboarding::{AgentPlatform, EnrollmentToken};

use crate::error::corrupt;
use crate::models::parse_stored;
use crate::schema::enrollment_tokens;
use crate::time::{from_db, to_db};

/// Every column but `organization_id` and `token_hash`, in [`TokenRow`]'s field order.
pub(crate) type TokenColumns = (
    enrollment_tokens::id,
    enrollment_tokens::platform,
    enrollment_tokens::label,
    enrollment_tokens::created_by,
    enrollment_tokens::created_at,
    enrollment_tokens::expires_at,
    enrollment_tokens::max_uses,
    enrollment_tokens::uses,
    enrollment_tokens::revoked_at,
);
pub(crate) const TOKEN_COLUMNS: TokenColumns = (
    enrollment_tokens::id,
    enrollment_tokens::platform,
    enrollment_tokens::label,
    enrollment_tokens::created_by,
    enrollment_tokens::created_at,
    enrollment_tokens::expires_at,
    enrollment_tokens::max_uses,
    enrollment_tokens::uses,
    enrollment_tokens::revoked_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct TokenRow {
    pub id: String,
    pub platform: String,
    pub label: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub max_uses: i64,
    pub uses: i64,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = enrollment_tokens)]
pub(crate) struct NewTokenRow {
    pub id: String,
    pub organization_id: String,
    pub token_hash: String,
    pub platform: String,
    pub label: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub max_uses: i64,
    pub uses: i64,
    pub revoked_at: Option<NaiveDateTime>,
}

impl NewTokenRow {
    pub(crate) fn new(organization_id: String, t: &EnrollmentToken, token_hash: &str) -> Self {
        Self {
            id: t.id.to_string(),
            organization_id,
            token_hash: token_hash.to_owned(),
            platform: t.platform.as_str().to_owned(),
            label: t.label.clone(),
            created_by: t.created_by.map(|u| u.to_string()),
            created_at: to_db(t.created_at),
            expires_at: to_db(t.expires_at),
            max_uses: i64::from(t.max_uses),
            uses: i64::from(t.uses),
            revoked_at: t.revoked_at.map(to_db),
        }
    }
}

fn uses(n: i64, column: &str) -> Result<u32, RepoError> {
    u32::try_from(n).map_err(|e| corrupt(column, e))
}

impl TryFrom<TokenRow> for EnrollmentToken {
    type Error = RepoError;

    fn try_from(r: TokenRow) -> Result<Self, RepoError> {
        Ok(EnrollmentToken {
            id: parse_stored(&r.id, "enrollment_tokens.id")?,
            platform: parse_stored::<AgentPlatform>(&r.platform, "enrollment_tokens.platform")?,
            label: r.label,
            created_by: r
                .created_by
                .as_deref()
                .map(|u| parse_stored(u, "enrollment_tokens.created_by"))
                .transpose()?,
            created_at: from_db(r.created_at),
            expires_at: from_db(r.expires_at),
            max_uses: uses(r.max_uses, "enrollment_tokens.max_uses")?,
            uses: uses(r.uses, "enrollment_tokens.uses")?,
            revoked_at: r.revoked_at.map(from_db),
        })
    }
}
