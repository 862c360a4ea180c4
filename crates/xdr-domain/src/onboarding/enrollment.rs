//! Enrollment tokens: what a request may ask for, and a token's status, computed when read.

use chrono::{DateTime, Duration, Utc};

use super::asset::AgentPlatform;
use crate::closed_set::closed_set;
use crate::ids::{EnrollmentTokenId, UserId};
use crate::validation::FieldErrors;

pub const DEFAULT_EXPIRY_HOURS: i64 = 24;
/// 30 days.
pub const MAX_EXPIRY_HOURS: i64 = 720;
pub const DEFAULT_MAX_USES: i64 = 1;
pub const MAX_USES: i64 = 1000;
pub const MAX_LABEL_LEN: usize = 100;

closed_set!(
    TokenStatus {
        Active => "active",
        Expired => "expired",
        UsedUp => "used_up",
        Revoked => "revoked",
    }
);

/// A token request as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    pub platform: String,
    pub expires_in_hours: Option<i64>,
    pub max_uses: Option<i64>,
    pub label: Option<String>,
}

/// A validated token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenTerms {
    pub platform: AgentPlatform,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub label: Option<String>,
}

/// Validates `request` at `now`: every problem at once.
pub fn token_terms(request: &TokenRequest, now: DateTime<Utc>) -> Result<TokenTerms, FieldErrors> {
    let mut errors = FieldErrors::new();
    let platform = match request.platform.parse::<AgentPlatform>() {
        Ok(AgentPlatform::None) | Err(_) => {
            errors.add("platform", "must be one of linux, windows, macos, docker");
            None
        }
        Ok(p) => Some(p),
    };
    let hours = request.expires_in_hours.unwrap_or(DEFAULT_EXPIRY_HOURS);
    if !(1..=MAX_EXPIRY_HOURS).contains(&hours) {
        errors.add("expires_in_hours", format!("must be 1-{MAX_EXPIRY_HOURS}"));
    }
    let uses = request.max_uses.unwrap_or(DEFAULT_MAX_USES);
    let max_uses = match u32::try_from(uses) {
        Ok(n) if (1..=MAX_USES).contains(&uses) => Some(n),
        _ => {
            errors.add("max_uses", format!("must be 1-{MAX_USES}"));
            None
        }
    };
    let label = request
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    if let Some(l) = label {
        if l.chars().count() > MAX_LABEL_LEN {
            errors.add(
                "label",
                format!("must be at most {MAX_LABEL_LEN} characters"),
            );
        }
        if l.chars().any(char::is_control) {
            errors.add("label", "must not contain control characters");
        }
    }
    match (platform, max_uses, errors.is_empty()) {
        (Some(platform), Some(max_uses), true) => Ok(TokenTerms {
            platform,
            expires_at: now + Duration::hours(hours),
            max_uses,
            label: label.map(str::to_owned),
        }),
        _ => Err(errors),
    }
}

/// What a stored token's status is at `now`. Revocation wins over everything, then use-up,
/// then expiry.
pub fn token_status(
    revoked_at: Option<DateTime<Utc>>,
    uses: u32,
    max_uses: u32,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> TokenStatus {
    if revoked_at.is_some_and(|at| at <= now) {
        TokenStatus::Revoked
    } else if uses >= max_uses {
        TokenStatus::UsedUp
    } else if now >= expires_at {
        TokenStatus::Expired
    } else {
        TokenStatus::Active
    }
}

/// A stored enrollment token, without its secret (storage keeps only a hash of that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentToken {
    pub id: EnrollmentTokenId,
    pub platform: AgentPlatform,
    pub label: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub max_uses: u32,
    pub uses: u32,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl EnrollmentToken {
    pub fn status(&self, now: DateTime<Utc>) -> TokenStatus {
        token_status(
            self.revoked_at,
            self.uses,
            self.max_uses,
            self.expires_at,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-02T12:00:00Z".parse().unwrap()
    }

    fn request(platform: &str) -> TokenRequest {
        TokenRequest {
            platform: platform.into(),
            ..TokenRequest::default()
        }
    }

    #[test]
    fn defaults_are_one_use_for_a_day() {
        let t = token_terms(&request("linux"), now()).unwrap();
        assert_eq!(t.platform, AgentPlatform::Linux);
        assert_eq!(t.expires_at, now() + Duration::hours(24));
        assert_eq!(t.max_uses, 1);
        assert_eq!(t.label, None);
    }

    #[test]
    fn bounds_are_enforced_together() {
        let bad = TokenRequest {
            platform: "none".into(),
            expires_in_hours: Some(721),
            max_uses: Some(0),
            label: Some("x".repeat(101)),
        };
        let errors = token_terms(&bad, now()).unwrap_err().into_map();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            vec!["expires_in_hours", "label", "max_uses", "platform"]
        );
        for (hours, uses) in [(0, 1), (1, 1001), (-5, 1), (1, -1), (1, i64::MAX)] {
            let r = TokenRequest {
                expires_in_hours: Some(hours),
                max_uses: Some(uses),
                ..request("docker")
            };
            assert!(token_terms(&r, now()).is_err(), "{hours} {uses}");
        }
        let max = TokenRequest {
            expires_in_hours: Some(720),
            max_uses: Some(1000),
            label: Some("  lab  ".into()),
            ..request("windows")
        };
        let t = token_terms(&max, now()).unwrap();
        assert_eq!((t.max_uses, t.label.as_deref()), (1000, Some("lab")));
        let newline = TokenRequest {
            label: Some("a\nb".into()),
            ..request("macos")
        };
        assert!(token_terms(&newline, now()).is_err());
    }

    #[test]
    fn status_is_computed_when_read() {
        let (t, later) = (now(), now() + Duration::hours(1));
        assert_eq!(token_status(None, 0, 1, later, t), TokenStatus::Active);
        assert_eq!(token_status(None, 1, 1, later, t), TokenStatus::UsedUp);
        assert_eq!(token_status(None, 0, 1, later, later), TokenStatus::Expired);
        assert_eq!(token_status(Some(t), 1, 1, t, later), TokenStatus::Revoked);
    }
}
