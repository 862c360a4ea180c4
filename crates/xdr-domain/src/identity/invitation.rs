//! Invitations: how an admin brings a person into their organization with a role.

use chrono::{DateTime, Duration, Utc};

use super::{Email, FullName, PasswordHash, Role, TokenHash};
use crate::ids::{InvitationId, OrganizationId, UserId};

/// How long an invitation token stays usable.
pub const INVITATION_TTL_DAYS: i64 = 7;

pub fn invitation_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(INVITATION_TTL_DAYS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Accepted => "accepted",
            InvitationStatus::Revoked => "revoked",
            InvitationStatus::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: Email,
    pub role: Role,
    pub invited_by: Option<UserId>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Invitation {
    pub fn status(&self, now: DateTime<Utc>) -> InvitationStatus {
        if self.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if self.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if now >= self.expires_at {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }

    /// Can still be resent (re-issued with a new token and expiry).
    pub fn is_open(&self) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub id: InvitationId,
    pub organization_id: OrganizationId,
    pub email: Email,
    pub role: Role,
    pub invited_by: UserId,
    pub token_hash: TokenHash,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What the invitee supplies when accepting.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub user_id: UserId,
    pub full_name: FullName,
    pub password_hash: PasswordHash,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(now: DateTime<Utc>) -> Invitation {
        Invitation {
            id: InvitationId::generate(),
            organization_id: OrganizationId::generate(),
            email: Email::parse("new@acme.example").unwrap(),
            role: Role::Analyst,
            invited_by: None,
            expires_at: invitation_expiry(now),
            accepted_at: None,
            revoked_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn status_follows_the_lifecycle() {
        let now = Utc::now();
        let mut i = invitation(now);
        assert_eq!(i.status(now), InvitationStatus::Pending);
        assert_eq!(i.status(now + Duration::days(7)), InvitationStatus::Expired);
        assert!(i.is_open());
        i.revoked_at = Some(now);
        assert_eq!(i.status(now), InvitationStatus::Revoked);
        assert!(!i.is_open());
        i.revoked_at = None;
        i.accepted_at = Some(now);
        assert_eq!(
            i.status(now + Duration::days(30)),
            InvitationStatus::Accepted
        );
    }
}
