//! Delivery rules: what one attempt can end in, which endings are retried and after how long,
//! and what the action log says at the end.

use std::time::Duration;

use crate::containment::{ActionStatus, Execution};

/// Longest result text stored in the action log.
pub const MAX_RESULT_CHARS: usize = 300;

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered with this status (redirects are not followed).
    Status(u16),
    /// No answer within the per-attempt timeout.
    TimedOut,
    /// Connection, TLS or name-resolution failure.
    Network(String),
    /// The guard refused to send (scheme, address): never retried.
    Refused(String),
}

impl AttemptOutcome {
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Status(code) if (200..300).contains(code))
    }

    /// Network errors, timeouts, 5xx and 429 are worth another attempt; other answers and
    /// refusals are not.
    pub fn is_retryable(&self) -> bool {
        match self {
            AttemptOutcome::Status(code) => *code >= 500 || *code == 429,
            AttemptOutcome::TimedOut | AttemptOutcome::Network(_) => true,
            AttemptOutcome::Refused(_) => false,
        }
    }
}

/// Bounded retries with exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (at least 1).
    pub max_attempts: u32,
    /// Wait before the second attempt; doubled before each further one.
    pub base_backoff: Duration,
    /// Longest wait between two attempts.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// Whether to try again after `attempts` attempts that ended in `outcome`.
    pub fn should_retry(&self, outcome: &AttemptOutcome, attempts: u32) -> bool {
        outcome.is_retryable() && attempts < self.max_attempts
    }

    /// The wait after attempt number `attempt` (1-based) failed.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

fn attempts_text(attempts: u32) -> String {
    if attempts == 1 {
        "after 1 attempt".to_owned()
    } else {
        format!("after {attempts} attempts")
    }
}

fn bounded(text: String) -> String {
    if text.chars().count() <= MAX_RESULT_CHARS {
        text
    } else {
        let mut cut: String = text.chars().take(MAX_RESULT_CHARS - 1).collect();
        cut.push('\u{2026}');
        cut
    }
}

/// The action log's final status and result after `attempts` attempts, the last of which
/// ended in `last`.
pub fn conclude(last: &AttemptOutcome, attempts: u32) -> Execution {
    let after = attempts_text(attempts);
    let result = match last {
        AttemptOutcome::Status(code) if last.is_success() => format!("HTTP {code} {after}"),
        AttemptOutcome::Status(code) if (300..400).contains(code) => {
            format!("HTTP {code} {after} (redirects are not followed)")
        }
        AttemptOutcome::Status(code) if !last.is_retryable() => {
            format!("HTTP {code} {after} (not retried)")
        }
        AttemptOutcome::Status(code) => format!("HTTP {code} {after}"),
        AttemptOutcome::TimedOut => format!("timed out {after}"),
        AttemptOutcome::Network(detail) => format!("network error {after}: {detail}"),
        AttemptOutcome::Refused(reason) => format!("refused: {reason}"),
    };
    let status = if last.is_success() {
        ActionStatus::Succeeded
    } else {
        ActionStatus::Failed
    };
    Execution {
        status,
        result: Some(bounded(result)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(5),
    };

    #[test]
    fn retries_only_network_errors_timeouts_5xx_and_429() {
        for outcome in [
            AttemptOutcome::Status(500),
            AttemptOutcome::Status(503),
            AttemptOutcome::Status(429),
            AttemptOutcome::TimedOut,
            AttemptOutcome::Network("connection refused".into()),
        ] {
            assert!(POLICY.should_retry(&outcome, 1), "{outcome:?}");
            assert!(POLICY.should_retry(&outcome, 2), "{outcome:?}");
            assert!(!POLICY.should_retry(&outcome, 3), "{outcome:?}: bounded");
        }
        for outcome in [
            AttemptOutcome::Status(200),
            AttemptOutcome::Status(204),
            AttemptOutcome::Status(302),
            AttemptOutcome::Status(400),
            AttemptOutcome::Status(401),
            AttemptOutcome::Status(404),
            AttemptOutcome::Refused("address 10.0.0.5 is private".into()),
        ] {
            assert!(!POLICY.should_retry(&outcome, 1), "{outcome:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let waits: Vec<u64> = (1..=5).map(|a| POLICY.backoff(a).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        assert_eq!(POLICY.backoff(u32::MAX), Duration::from_secs(5));
    }

    #[test]
    fn conclusions_read_well() {
        let cases = [
            (
                AttemptOutcome::Status(200),
                2,
                ActionStatus::Succeeded,
                "HTTP 200 after 2 attempts",
            ),
            (
                AttemptOutcome::Status(204),
                1,
                ActionStatus::Succeeded,
                "HTTP 204 after 1 attempt",
            ),
            (
                AttemptOutcome::Status(500),
                3,
                ActionStatus::Failed,
                "HTTP 500 after 3 attempts",
            ),
            (
                AttemptOutcome::Status(400),
                1,
                ActionStatus::Failed,
                "HTTP 400 after 1 attempt (not retried)",
            ),
            (
                AttemptOutcome::Status(301),
                1,
                ActionStatus::Failed,
                "HTTP 301 after 1 attempt (redirects are not followed)",
            ),
            (
                AttemptOutcome::TimedOut,
                3,
                ActionStatus::Failed,
                "timed out after 3 attempts",
            ),
            (
                AttemptOutcome::Refused("address 10.0.0.5 is private".into()),
                1,
                ActionStatus::Failed,
                "refused: address 10.0.0.5 is private",
            ),
        ];
        for (outcome, attempts, status, text) in cases {
            let execution = conclude(&outcome, attempts);
            assert_eq!(execution.status, status, "{outcome:?}");
            assert_eq!(execution.result.as_deref(), Some(text));
        }
        let long = conclude(&AttemptOutcome::Network("x".repeat(1000)), 2);
        assert_eq!(long.result.unwrap().chars().count(), MAX_RESULT_CHARS);
    }
}
