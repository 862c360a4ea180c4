//! Users: members of exactly one organization.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

use super::{Email, Role};
use crate::ids::{OrganizationId, UserId};

const MAX_FULL_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FullNameError {
    #[error("must be between 1 and 100 characters")]
    Length,
    #[error("must not contain control characters")]
    ControlCharacters,
}

/// A person's display name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FullName(String);

impl FullName {
    pub fn parse(raw: &str) -> Result<Self, FullNameError> {
        if raw.chars().any(char::is_control) {
            return Err(FullNameError::ControlCharacters);
        }
        let trimmed = raw.trim();
        let count = trimmed.chars().count();
        if count == 0 || count > MAX_FULL_NAME_CHARS {
            return Err(FullNameError::Length);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password hash in its encoded form (e.g. `$2b$12$...`). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(encoded: String) -> Self {
        Self(encoded)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: Email,
    pub full_name: FullName,
    pub role: Role,
    pub is_active: bool,
    pub password_hash: PasswordHash,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: Email,
    pub full_name: FullName,
    pub role: Role,
    pub password_hash: PasswordHash,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_name_rules() {
        assert_eq!(
            FullName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert_eq!(FullName::parse("   "), Err(FullNameError::Length));
        assert_eq!(
            FullName::parse(&"x".repeat(101)),
            Err(FullNameError::Length)
        );
        assert_eq!(
            FullName::parse("a\tb"),
            Err(FullNameError::ControlCharacters)
        );
    }

    #[test]
    fn password_hash_is_never_printed() {
        let h = PasswordHash::new("$2b$12$secretsecret".into());
        assert!(!format!("{h:?}").contains("secret"));
    }
}
