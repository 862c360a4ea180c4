//! Bodies of invitations and member management.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use xdr_domain::identity::{Invitation, Role};
use xdr_service::IssuedInvitation;

use super::identity::UserView;
use super::secret::SecretString;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    #[schema(example = "new.analyst@acme.example")]
    pub email: String,
    #[schema(schema_with = crate::dto::schemas::role)]
    pub role: Role,
}

/// An invitation as listed (never with its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub email: String,
    #[schema(example = "analyst")]
    pub role: String,
    /// pending, accepted, revoked or expired.
    #[schema(example = "pending")]
    pub status: String,
    pub invited_by: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl InvitationView {
    pub fn new(i: &Invitation, now: DateTime<Utc>) -> Self {
        Self {
            id: i.id.as_uuid(),
            email: i.email.as_str().to_owned(),
            role: i.role.as_str().to_owned(),
            status: i.status(now).as_str().to_owned(),
            invited_by: i.invited_by.map(|u| u.as_uuid()),
            expires_at: i.expires_at,
            created_at: i.created_at,
        }
    }
}

/// A new or resent invitation: `token` is shown only here.
#[derive(Serialize, ToSchema)]
pub struct IssuedInvitationView {
    pub id: Uuid,
    pub email: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
    /// The one-time token to hand to the invitee (shown once).
    pub token: String,
}

impl std::fmt::Debug for IssuedInvitationView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedInvitationView")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl From<&IssuedInvitation> for IssuedInvitationView {
    fn from(issued: &IssuedInvitation) -> Self {
        let i = &issued.invitation;
        Self {
            id: i.id.as_uuid(),
            email: i.email.as_str().to_owned(),
            role: i.role.as_str().to_owned(),
            expires_at: i.expires_at,
            token: issued.token.expose().to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    pub items: Vec<InvitationView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct UpdateUserRequest {
    #[schema(schema_with = crate::dto::schemas::role_or_null)]
    pub role: Option<Role>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    #[schema(value_type = String)]
    pub token: SecretString,
    #[schema(example = "Grace Analyst", min_length = 1, max_length = 100)]
    pub full_name: String,
    /// 12–128 characters; rejected when easy to guess.
    #[schema(value_type = String, format = Password, min_length = 12, max_length = 128)]
    pub password: SecretString,
}
