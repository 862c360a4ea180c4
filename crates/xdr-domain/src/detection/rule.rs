//! Built-in threshold detection rules: what each counts, and when a count fires. Storage keeps
//! what the rules count as per-window tallies (`super::window`) and hands in their counts.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

use super::severity::{Severity, UnknownValue};

pub const COWRIE_LOGIN_FAILED: &str = "cowrie.login.failed";
pub const AUTH_FAILED: &str = "auth.failed";
const SSH_PORT: u16 = 22;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    SshBruteForce,
    PortScan,
    CredentialStuffing,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [
        RuleKind::SshBruteForce,
        RuleKind::PortScan,
        RuleKind::CredentialStuffing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::SshBruteForce => "ssh_brute_force",
            RuleKind::PortScan => "port_scan",
            RuleKind::CredentialStuffing => "credential_stuffing",
        }
    }

    pub fn default_settings(self) -> RuleSettings {
        let (threshold, window_seconds) = match self {
            RuleKind::SshBruteForce => (6, 60),
            RuleKind::PortScan => (20, 60),
            RuleKind::CredentialStuffing => (10, 300),
        };
        RuleSettings {
            enabled: true,
            threshold,
            window_seconds,
        }
    }

    /// Whether the rule counts matching events, or distinct values among them.
    pub fn counts_distinct_values(self) -> bool {
        match self {
            RuleKind::SshBruteForce => false,
            RuleKind::PortScan | RuleKind::CredentialStuffing => true,
        }
    }

    /// The value a distinct-value rule counts once per window: the destination port of a port
    /// scan, the username of credential stuffing. `None` for event-counting rules.
    pub fn counted_value(self, event: &EventFacts) -> Option<String> {
        match self {
            RuleKind::SshBruteForce => None,
            RuleKind::PortScan => event.dst_port.map(|p| p.to_string()),
            RuleKind::CredentialStuffing => event.username.clone(),
        }
    }

    fn title(self, src_ip: IpAddr, n: u32) -> String {
        match self {
            RuleKind::SshBruteForce => format!("SSH brute force from {src_ip} ({n} failed logins)"),
            RuleKind::PortScan => format!("Port scan from {src_ip} ({n} ports)"),
            RuleKind::CredentialStuffing => {
                format!("Credential stuffing from {src_ip} ({n} usernames)")
            }
        }
    }
}

impl fmt::Display for RuleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RuleKind {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuleKind::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// Per-organization settings of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSettings {
    pub enabled: bool,
    /// Matching events (or distinct ports / usernames) needed to fire.
    pub threshold: u32,
    pub window_seconds: u32,
}

impl RuleSettings {
    pub fn window(&self) -> Duration {
        Duration::seconds(i64::from(self.window_seconds))
    }
}

/// What a rule needs to know of one stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFacts {
    pub event_type: String,
    pub dst_port: Option<u16>,
    pub username: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

impl EventFacts {
    fn is_failed_login(&self) -> bool {
        self.event_type == COWRIE_LOGIN_FAILED || self.event_type == AUTH_FAILED
    }

    fn is_ssh_failure(&self) -> bool {
        self.event_type == COWRIE_LOGIN_FAILED
            || (self.event_type == AUTH_FAILED && self.dst_port == Some(SSH_PORT))
    }

    /// Whether this event can count toward `rule` at all (storage reads only these).
    pub fn relevant_to(&self, rule: RuleKind) -> bool {
        match rule {
            RuleKind::SshBruteForce => self.is_ssh_failure(),
            RuleKind::PortScan => self.dst_port.is_some(),
            RuleKind::CredentialStuffing => self.is_failed_login() && self.username.is_some(),
        }
    }
}

/// A rule that fired for one source IP.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub rule: RuleKind,
    pub src_ip: IpAddr,
    pub title: String,
    pub severity: Severity,
    pub risk_score: f64,
    /// What the rule counted: events, distinct ports or distinct usernames.
    pub count: u32,
}

/// A detection when `count` (what `rule` counted in its window) reaches the threshold.
pub fn detect(
    rule: RuleKind,
    settings: &RuleSettings,
    src_ip: IpAddr,
    count: u32,
) -> Option<Detection> {
    if !settings.enabled || count < settings.threshold {
        return None;
    }
    let (severity, risk_score) = score(rule, count);
    Some(Detection {
        rule,
        src_ip,
        title: rule.title(src_ip, count),
        severity,
        risk_score,
        count,
    })
}

/// A risk score as people read it: two decimals (0.6599999999999999 is 0.66). Stored scores
/// keep full precision (they only ever grow by `max`); every edge that shows one rounds it.
pub fn rounded_risk(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

/// Severity and risk (0–1) of a detection with `n` counted items.
pub fn score(rule: RuleKind, n: u32) -> (Severity, f64) {
    let n = f64::from(n);
    match rule {
        RuleKind::SshBruteForce => {
            let severity = if n > 12.0 {
                Severity::High
            } else {
                Severity::Medium
            };
            (severity, (0.6 + n / 100.0).min(0.95))
        }
        RuleKind::PortScan => (Severity::Medium, (0.5 + n / 200.0).min(0.9)),
        RuleKind::CredentialStuffing => (Severity::High, (0.7 + n / 100.0).min(0.95)),
    }
}

#[cfg(test)]
#[path = "rule_tests.rs"]
mod tests;
