//! Organizations (tenants): validated names and URL slugs.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::ids::OrganizationId;

const MIN_NAME_CHARS: usize = 2;
const MAX_NAME_CHARS: usize = 100;
const MAX_SLUG_LEN: usize = 48;
/// Slug used when a name has no ASCII letters or digits at all (e.g. a name in Cyrillic).
const FALLBACK_SLUG: &str = "org";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrganizationNameError {
    #[error("must be between 2 and 100 characters")]
    Length,
    #[error("must not contain control characters")]
    ControlCharacters,
}

/// A trimmed organization name with inner whitespace collapsed, 2–100 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct OrganizationName(String);

impl OrganizationName {
    pub fn parse(raw: &str) -> Result<Self, OrganizationNameError> {
        if raw.chars().any(char::is_control) {
            return Err(OrganizationNameError::ControlCharacters);
        }
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = collapsed.chars().count();
        if !(MIN_NAME_CHARS..=MAX_NAME_CHARS).contains(&count) {
            return Err(OrganizationNameError::Length);
        }
        Ok(Self(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes names unique: two names that differ only in case or
    /// Unicode composition name the same organization.
    pub fn unique_key(&self) -> String {
        self.0.nfkc().collect::<String>().to_lowercase()
    }

    /// A URL-safe slug: lower-case ASCII letters, digits and single hyphens.
    pub fn slug(&self) -> Slug {
        let mut slug = String::with_capacity(self.0.len());
        for c in self.0.nfkd() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if (c.is_whitespace() || c.is_ascii_punctuation()) && !slug.ends_with('-') {
                slug.push('-');
            }
            // Combining marks and other scripts are dropped: "Café" -> "cafe".
        }
        let trimmed: String = slug.trim_matches('-').chars().take(MAX_SLUG_LEN).collect();
        let trimmed = trimmed.trim_end_matches('-');
        if trimmed.is_empty() {
            Slug(FALLBACK_SLUG.to_owned())
        } else {
            Slug(trimmed.to_owned())
        }
    }
}

impl fmt::Display for OrganizationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for OrganizationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OrganizationName({:?})", self.0)
    }
}

/// An organization's URL slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same slug with a disambiguating suffix, used when the plain slug is taken.
    pub fn with_suffix(&self, suffix: &str) -> Slug {
        Slug(format!("{}-{}", self.0, suffix))
    }

    /// Wraps a slug read back from storage.
    pub fn from_stored(raw: String) -> Slug {
        Slug(raw)
    }
}

/// The organization's progress through onboarding: the wizard's status, mirrored on the
/// organization.
pub use crate::onboarding::OnboardingStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: OrganizationName,
    pub slug: Slug,
    pub onboarding_status: OnboardingStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What registration needs to create an organization.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub id: OrganizationId,
    pub name: OrganizationName,
    pub slug: Slug,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> OrganizationName {
        OrganizationName::parse(s).unwrap()
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(
            name("  Acme   Security  Inc ").as_str(),
            "Acme Security Inc"
        );
    }

    #[test]
    fn rejects_bad_lengths_and_controls() {
        assert_eq!(
            OrganizationName::parse(" a "),
            Err(OrganizationNameError::Length)
        );
        assert_eq!(
            OrganizationName::parse(&"x".repeat(101)),
            Err(OrganizationNameError::Length)
        );
        assert_eq!(
            OrganizationName::parse("Acme\u{0}Corp"),
            Err(OrganizationNameError::ControlCharacters)
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(
            name("Acme Security, Inc.").slug().as_str(),
            "acme-security-inc"
        );
        assert_eq!(name("Café Öl").slug().as_str(), "cafe-ol");
        assert_eq!(name("--Blue__Team--").slug().as_str(), "blue-team");
        assert_eq!(name("Кибер").slug().as_str(), "org");
        assert!(name(&"a b ".repeat(20)).slug().as_str().len() <= MAX_SLUG_LEN);
        assert_eq!(
            name("Acme").slug().with_suffix("3f2a").as_str(),
            "acme-3f2a"
        );
    }

    #[test]
    fn unique_key_ignores_case() {
        assert_eq!(
            name("ACME Corp").unique_key(),
            name("acme corp").unique_key()
        );
    }

    #[test]
    fn onboarding_status_round_trip() {
        for &s in OnboardingStatus::ALL {
            assert_eq!(s.as_str().parse::<OnboardingStatus>().unwrap(), s);
        }
    }
}
