//! Ingest tokens: what a sender that runs no agent (a honeypot, a log shipper speaking Splunk's
//! HTTP Event Collector protocol) proves itself with. One log source may have several (one per
//! sender, revoked one at a time); a token only adds events to its own organization and log
//! source, and reads nothing.

use chrono::{DateTime, Duration, Utc};

use super::LogSourceType;
use crate::ids::{IngestTokenId, LogSourceId, OrganizationId, UserId};
use crate::validation::FieldErrors;

const MAX_LABEL_CHARS: usize = 100;
/// The furthest an expiry may be set; without one a token lasts until revoked.
pub const MAX_EXPIRY_DAYS: i64 = 366;

/// A stored token (its secret is kept only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestToken {
    pub id: IngestTokenId,
    pub log_source_id: LogSourceId,
    pub label: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token as a client asked for it (not yet validated).
#[derive(Debug, Clone, Default)]
pub struct IngestTokenInput {
    pub label: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl IngestTokenInput {
    /// Every problem at once, or the token to store for `log_source_id`.
    pub fn validate(
        &self,
        log_source_id: LogSourceId,
        created_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<IngestToken, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = self
            .label
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        if let Some(l) = label {
            if l.chars().count() > MAX_LABEL_CHARS {
                errors.add(
                    "label",
                    format!("must be at most {MAX_LABEL_CHARS} characters"),
                );
            }
            if l.chars().any(char::is_control) {
                errors.add("label", "must not contain control characters");
            }
        }
        if let Some(at) = self.expires_at {
            if at <= now {
                errors.add("expires_at", "must be in the future");
            } else if at > now + Duration::days(MAX_EXPIRY_DAYS) {
                errors.add(
                    "expires_at",
                    format!("must be at most {MAX_EXPIRY_DAYS} days ahead"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(IngestToken {
            id: IngestTokenId::generate(),
            log_source_id,
            label: label.map(str::to_owned),
            created_by,
            created_at: now,
            expires_at: self.expires_at,
            last_used_at: None,
            revoked_at: None,
        })
    }
}

/// What a presented token's hash finds: the log source it feeds, in its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestSource {
    pub organization_id: OrganizationId,
    pub log_source_id: LogSourceId,
    pub token_id: IngestTokenId,
    pub source_type: LogSourceType,
    pub source_enabled: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl IngestSource {
    /// A revoked or expired token, or one of a disabled log source, adds nothing.
    pub fn accepts_at(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none()
            && self.expires_at.is_none_or(|at| now < at)
            && self.source_enabled
    }
}

/// How a log source's agentless ingest is going: every event received, how many were parsed
/// (and stored), how many were not, and the last reason one was not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestStatus {
    pub received: u64,
    pub parsed: u64,
    pub rejected: u64,
    pub last_error: Option<String>,
    pub last_event_at: Option<DateTime<Utc>>,
}

/// What one request adds to a log source's [`IngestStatus`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestTally {
    pub received: u64,
    pub parsed: u64,
    pub rejected: u64,
    /// The last rejection of the request, as a sample for the operator.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn source(now: DateTime<Utc>) -> IngestSource {
        IngestSource {
            organization_id: OrganizationId::generate(),
            log_source_id: LogSourceId::generate(),
            token_id: IngestTokenId::generate(),
            source_type: LogSourceType::Cowrie,
            source_enabled: true,
            expires_at: Some(now + Duration::hours(1)),
            revoked_at: None,
        }
    }

    #[test]
    fn revoked_expired_or_disabled_tokens_add_nothing() {
        let now = Utc::now();
        assert!(source(now).accepts_at(now));
        assert!(!source(now).accepts_at(now + Duration::hours(1)));
        let revoked = IngestSource {
            revoked_at: Some(now),
            ..source(now)
        };
        assert!(!revoked.accepts_at(now));
        let disabled = IngestSource {
            source_enabled: false,
            ..source(now)
        };
        assert!(!disabled.accepts_at(now));
        let forever = IngestSource {
            expires_at: None,
            ..source(now)
        };
        assert!(forever.accepts_at(now + Duration::days(3650)));
    }

    #[test]
    fn input_is_checked_all_at_once() {
        let now = Utc::now();
        let bad = IngestTokenInput {
            label: Some("x\u{7}".repeat(60)),
            expires_at: Some(now - Duration::seconds(1)),
        };
        let errors = bad
            .validate(LogSourceId::generate(), None, now)
            .unwrap_err();
        assert_eq!(errors.iter().count(), 2);
        let far = IngestTokenInput {
            label: None,
            expires_at: Some(now + Duration::days(MAX_EXPIRY_DAYS + 1)),
        };
        assert!(far.validate(LogSourceId::generate(), None, now).is_err());
        let ok = IngestTokenInput {
            label: Some("  cowrie  ".into()),
            expires_at: None,
        }
        .validate(LogSourceId::generate(), None, now)
        .unwrap();
        assert_eq!(ok.label.as_deref(), Some("cowrie"));
        assert_eq!(ok.expires_at, None);
    }
}
