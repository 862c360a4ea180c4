//! Login sessions: one per sign-in, carrying a rotating refresh-token family.

use chrono::{DateTime, Utc};

use crate::ids::{OrganizationId, SessionId, UserId};

/// Why a session ended. Stored for operators; never shown to other users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationReason {
    Logout,
    LogoutAll,
    PasswordChanged,
    RefreshReuse,
    RevokedByUser,
    AccountChanged,
}

impl RevocationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Logout => "logout",
            RevocationReason::LogoutAll => "logout_all",
            RevocationReason::PasswordChanged => "password_changed",
            RevocationReason::RefreshReuse => "refresh_reuse",
            RevocationReason::RevokedByUser => "revoked_by_user",
            RevocationReason::AccountChanged => "account_changed",
        }
    }
}

/// SHA-256 of a refresh token, hex-encoded. The token itself is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_hex(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    /// How many times the refresh token has been rotated.
    pub generation: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Usable: not revoked and not past its absolute lifetime.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: SessionId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub refresh_token_hash: TokenHash,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token did, decided atomically by the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was current; it has been replaced by the new hash.
    Rotated(Session),
    /// The token had already been rotated away: the whole session is now revoked.
    ReuseDetected(Session),
    /// The session exists but is revoked or expired.
    Inactive,
    /// No session ever had this token.
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn activity_depends_on_revocation_and_expiry() {
        let now = Utc::now();
        let mut s = Session {
            id: SessionId::generate(),
            organization_id: OrganizationId::generate(),
            user_id: UserId::generate(),
            generation: 0,
            user_agent: None,
            ip: None,
            created_at: now,
            last_used_at: now,
            expires_at: now + Duration::days(30),
            revoked_at: None,
        };
        assert!(s.is_active(now));
        assert!(!s.is_active(now + Duration::days(30)));
        s.revoked_at = Some(now);
        assert!(!s.is_active(now));
    }
}
