//! Incident severity and lifecycle.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl FromStr for Severity {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// open → contained | resolved | dismissed; contained → resolved | dismissed; resolved and
/// dismissed are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentStatus {
    Open,
    Contained,
    Resolved,
    Dismissed,
}

impl IncidentStatus {
    pub const ALL: [IncidentStatus; 4] = [
        IncidentStatus::Open,
        IncidentStatus::Contained,
        IncidentStatus::Resolved,
        IncidentStatus::Dismissed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Contained => "contained",
            IncidentStatus::Resolved => "resolved",
            IncidentStatus::Dismissed => "dismissed",
        }
    }

    /// Whether the lifecycle allows going from `self` to `to` (staying put is not a transition).
    pub fn can_become(self, to: IncidentStatus) -> bool {
        use IncidentStatus::*;
        matches!(
            (self, to),
            (Open, Contained)
                | (Open, Resolved)
                | (Open, Dismissed)
                | (Contained, Resolved)
                | (Contained, Dismissed)
        )
    }
}

impl FromStr for IncidentStatus {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IncidentStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in Severity::ALL {
            assert_eq!(s.as_str().parse::<Severity>().unwrap(), s);
        }
        for s in IncidentStatus::ALL {
            assert_eq!(s.as_str().parse::<IncidentStatus>().unwrap(), s);
        }
        assert!("urgent".parse::<Severity>().is_err());
    }

    #[test]
    fn lifecycle() {
        use IncidentStatus::*;
        assert!(Open.can_become(Contained));
        assert!(Open.can_become(Dismissed));
        assert!(Contained.can_become(Resolved));
        assert!(!Resolved.can_become(Open));
        assert!(!Dismissed.can_become(Contained));
        assert!(!Contained.can_become(Open));
        assert!(!Open.can_become(Open));
        assert!(Severity::Low < Severity::Medium && Severity::High < Severity::Critical);
    }
}
