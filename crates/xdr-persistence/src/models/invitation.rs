use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::identity::{Email, Invitation, NewInvitation, Role};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::invitations;
use crate::time::{from_db, to_db};

/// The columns of [`InvitationRow`], in field order (the token hash is never read back).
pub(crate) type InvitationColumns = (
    invitations::id,
    invitations::organization_id,
    invitations::email,
    invitations::role,
    invitations::invited_by,
    invitations::expires_at,
    invitations::accepted_at,
    invitations::revoked_at,
    invitations::created_at,
    invitations::updated_at,
);
pub(crate) const INVITATION_COLUMNS: InvitationColumns = (
    invitations::id,
    invitations::organization_id,
    invitations::email,
    invitations::role,
    invitations::invited_by,
    invitations::expires_at,
    invitations::accepted_at,
    invitations::revoked_at,
    invitations::created_at,
    invitations::updated_at,
);

#[derive(Debug, Queryable)]
pub(crate) struct InvitationRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = RepoError;

    fn try_from(row: InvitationRow) -> Result<Self, RepoError> {
        Ok(Invitation {
            id: parse_stored(&row.id, "invitations.id")?,
            organization_id: parse_stored(&row.organization_id, "invitations.organization_id")?,
            email: Email::parse(&row.email).map_err(|e| corrupt("invitations.email", e))?,
            role: parse_stored::<Role>(&row.role, "invitations.role")?,
            invited_by: row
                .invited_by
                .as_deref()
                .map(|id| parse_stored(id, "invitations.invited_by"))
                .transpose()?,
            expires_at: from_db(row.expires_at),
            accepted_at: row.accepted_at.map(from_db),
            revoked_at: row.revoked_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = invitations)]
pub(crate) struct NewInvitationRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: Option<String>,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&NewInvitation> for NewInvitationRow {
    fn from(i: &NewInvitation) -> Self {
        let created_at = to_db(i.created_at);
        Self {
            id: i.id.to_string(),
            organization_id: i.organization_id.to_string(),
            email: i.email.as_str().to_owned(),
            role: i.role.as_str().to_owned(),
            token_hash: i.token_hash.as_str().to_owned(),
            invited_by: Some(i.invited_by.to_string()),
            expires_at: to_db(i.expires_at),
            created_at,
            updated_at: created_at,
        }
    }
}
