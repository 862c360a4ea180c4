//! Log sources: where an organization's events come from (a honeypot, a syslog relay...).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::text;
use crate::detection::UnknownValue;
use crate::ids::LogSourceId;
use crate::validation::FieldErrors;

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogSourceType {
    Cowrie,
    Syslog,
    WindowsEvent,
    Zeek,
    Suricata,
    Custom,
}

impl LogSourceType {
    pub const ALL: [LogSourceType; 6] = [
        LogSourceType::Cowrie,
        LogSourceType::Syslog,
        LogSourceType::WindowsEvent,
        LogSourceType::Zeek,
        LogSourceType::Suricata,
        LogSourceType::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LogSourceType::Cowrie => "cowrie",
            LogSourceType::Syslog => "syslog",
            LogSourceType::WindowsEvent => "windows_event",
            LogSourceType::Zeek => "zeek",
            LogSourceType::Suricata => "suricata",
            LogSourceType::Custom => "custom",
        }
    }
}

impl FromStr for LogSourceType {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogSourceType::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

impl fmt::Display for LogSourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored log source. Its name is unique within its organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    pub id: LogSourceId,
    pub name: String,
    pub source_type: LogSourceType,
    pub hostname: Option<String>,
    pub description: Option<String>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A log source as a client sent it (not yet validated).
#[derive(Debug, Clone, Default)]
pub struct LogSourceInput {
    pub name: String,
    pub source_type: String,
    pub hostname: Option<String>,
    pub description: Option<String>,
    /// Absent means enabled.
    pub enabled: Option<bool>,
}

fn source_type(errors: &mut FieldErrors, raw: &str) -> Option<LogSourceType> {
    let problem = format!(
        "must be one of {}",
        LogSourceType::ALL.map(LogSourceType::as_str).join(", ")
    );
    errors.check(
        "source_type",
        raw.parse::<LogSourceType>().map_err(|_| problem),
    )
}

impl LogSourceInput {
    /// Every problem at once, or a new log source created `now`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<LogSource, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = text::name(&mut errors, "name", &self.name, MAX_NAME_CHARS);
        let source_type = source_type(&mut errors, &self.source_type);
        let hostname = text::hostname(&mut errors, self.hostname.as_deref());
        let description = text::optional_text(
            &mut errors,
            "description",
            self.description.as_deref(),
            MAX_DESCRIPTION_CHARS,
        );
        match (name, source_type) {
            (Some(name), Some(source_type)) if errors.is_empty() => Ok(LogSource {
                id: LogSourceId::generate(),
                name,
                source_type,
                hostname,
                description,
                enabled: self.enabled.unwrap_or(true),
                created_at: now,
                updated_at: now,
            }),
            _ => Err(errors),
        }
    }
}

/// A partial update as a client sent it. `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct LogSourceChangeInput {
    pub name: Option<String>,
    pub source_type: Option<String>,
    pub hostname: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

/// A validated partial update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSourceChange {
    pub name: Option<String>,
    pub source_type: Option<LogSourceType>,
    pub hostname: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

impl LogSourceChange {
    /// Validates every given field; a change that changes nothing is refused too.
    pub fn parse(input: &LogSourceChangeInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let change = LogSourceChange {
            name: input
                .name
                .as_deref()
                .and_then(|n| text::name(&mut errors, "name", n, MAX_NAME_CHARS)),
            source_type: input
                .source_type
                .as_deref()
                .and_then(|t| source_type(&mut errors, t)),
            // An invalid value leaves `Some(None)` here, but the errors refuse the change.
            hostname: input
                .hostname
                .as_ref()
                .map(|h| text::hostname(&mut errors, h.as_deref())),
            description: input.description.as_ref().map(|d| {
                text::optional_text(
                    &mut errors,
                    "description",
                    d.as_deref(),
                    MAX_DESCRIPTION_CHARS,
                )
            }),
            enabled: input.enabled,
        };
        let empty = input.name.is_none()
            && input.source_type.is_none()
            && input.hostname.is_none()
            && input.description.is_none()
            && input.enabled.is_none();
        if empty {
            errors.add("body", "give at least one field to change");
        }
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }

    pub fn apply(&self, source: &mut LogSource, now: DateTime<Utc>) {
        if let Some(name) = &self.name {
            source.name = name.clone();
        }
        if let Some(t) = self.source_type {
            source.source_type = t;
        }
        if let Some(h) = &self.hostname {
            source.hostname = h.clone();
        }
        if let Some(d) = &self.description {
            source.description = d.clone();
        }
        if let Some(e) = self.enabled {
            source.enabled = e;
        }
        source.updated_at = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LogSourceInput {
        LogSourceInput {
            name: " Honeypot ".into(),
            source_type: "cowrie".into(),
            hostname: Some("hp-01.acme.example".into()),
            description: None,
            enabled: None,
        }
    }

    #[test]
    fn valid_input_makes_an_enabled_source() {
        let s = input().validate(Utc::now()).unwrap();
        assert_eq!(s.name, "Honeypot");
        assert_eq!(s.source_type, LogSourceType::Cowrie);
        assert!(s.enabled);
    }

    #[test]
    fn every_problem_is_reported() {
        let bad = LogSourceInput {
            name: String::new(),
            source_type: "kafka".into(),
            hostname: Some("bad host".into()),
            description: Some("x".repeat(1001)),
            enabled: None,
        };
        let errors = bad.validate(Utc::now()).unwrap_err().into_map();
        for field in ["name", "source_type", "hostname", "description"] {
            assert!(errors.contains_key(field), "{field}");
        }
    }

    #[test]
    fn changes_are_validated_and_applied() {
        assert!(LogSourceChange::parse(&LogSourceChangeInput::default()).is_err());
        let bad = LogSourceChangeInput {
            source_type: Some("nope".into()),
            ..Default::default()
        };
        assert!(LogSourceChange::parse(&bad).is_err());
        let change = LogSourceChange::parse(&LogSourceChangeInput {
            hostname: Some(None),
            enabled: Some(false),
            ..Default::default()
        })
        .unwrap();
        let mut s = input().validate(Utc::now()).unwrap();
        change.apply(&mut s, Utc::now());
        assert_eq!(s.hostname, None);
        assert!(!s.enabled);
    }

    #[test]
    fn source_types_round_trip() {
        for t in LogSourceType::ALL {
            assert_eq!(t.as_str().parse::<LogSourceType>(), Ok(t));
        }
    }
}
