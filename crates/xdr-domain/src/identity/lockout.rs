//! Account lockout: a pure state machine that storage applies atomically.
//!
//! Every attempt is counted *before* the password is checked (and forgotten on success), so that
//! parallel attempts cannot get more than `max_failures` password checks through: storage applies
//! [`LockoutPolicy::register_attempt`] under a row lock and only the attempts it lets through
//! reach the password hash.

use chrono::{DateTime, Duration, Utc};

/// Failures allowed in one window before the account locks.
pub const DEFAULT_MAX_FAILURES: u32 = 5;
pub const DEFAULT_WINDOW_MINUTES: i64 = 15;
pub const DEFAULT_LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: DEFAULT_MAX_FAILURES,
            window: Duration::minutes(DEFAULT_WINDOW_MINUTES),
            lock_for: Duration::minutes(DEFAULT_LOCK_MINUTES),
        }
    }
}

/// Stored per login key (a hash of the normalized email, known or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleState {
    pub failures: u32,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptDecision {
    /// The password may be checked.
    Proceed,
    /// Refused without a password check. `newly_locked` is true for the attempt that caused the lock.
    Locked {
        until: DateTime<Utc>,
        newly_locked: bool,
    },
}

impl LockoutPolicy {
    /// The state after one more attempt, and whether that attempt may check a password.
    pub fn register_attempt(
        &self,
        current: Option<&ThrottleState>,
        now: DateTime<Utc>,
    ) -> (ThrottleState, AttemptDecision) {
        let fresh = ThrottleState {
            failures: 1,
            window_started_at: now,
            locked_until: None,
        };
        let Some(state) = current else {
            return (fresh, AttemptDecision::Proceed);
        };
        if let Some(until) = state.locked_until {
            if now < until {
                let decision = AttemptDecision::Locked {
                    until,
                    newly_locked: false,
                };
                return (state.clone(), decision);
            }
            return (fresh, AttemptDecision::Proceed);
        }
        if now >= state.window_started_at + self.window {
            return (fresh, AttemptDecision::Proceed);
        }
        if state.failures >= self.max_failures {
            let until = now + self.lock_for;
            let locked = ThrottleState {
                failures: state.failures,
                window_started_at: state.window_started_at,
                locked_until: Some(until),
            };
            let decision = AttemptDecision::Locked {
                until,
                newly_locked: true,
            };
            return (locked, decision);
        }
        let counted = ThrottleState {
            failures: state.failures + 1,
            window_started_at: state.window_started_at,
            locked_until: None,
        };
        (counted, AttemptDecision::Proceed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        policy: &LockoutPolicy,
        attempts: usize,
        now: DateTime<Utc>,
    ) -> (Option<ThrottleState>, Vec<AttemptDecision>) {
        let mut state = None;
        let mut decisions = Vec::new();
        for _ in 0..attempts {
            let (next, d) = policy.register_attempt(state.as_ref(), now);
            state = Some(next);
            decisions.push(d);
        }
        (state, decisions)
    }

    #[test]
    fn five_attempts_proceed_then_lock() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        let (state, decisions) = run(&p, 50, now);
        let proceeded = decisions
            .iter()
            .filter(|d| **d == AttemptDecision::Proceed)
            .count();
        assert_eq!(proceeded, 5);
        assert_eq!(
            decisions[5],
            AttemptDecision::Locked {
                until: now + p.lock_for,
                newly_locked: true
            }
        );
        assert!(decisions[6..].iter().all(|d| matches!(
            d,
            AttemptDecision::Locked {
                newly_locked: false,
                ..
            }
        )));
        assert_eq!(state.unwrap().locked_until, Some(now + p.lock_for));
    }

    #[test]
    fn lock_expires() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        let (state, _) = run(&p, 6, now);
        let later = now + p.lock_for;
        let (next, d) = p.register_attempt(state.as_ref(), later);
        assert_eq!(d, AttemptDecision::Proceed);
        assert_eq!(next.failures, 1);
        assert_eq!(next.locked_until, None);
    }

    #[test]
    fn window_expiry_resets_the_count() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        let (state, _) = run(&p, 4, now);
        let (next, d) = p.register_attempt(state.as_ref(), now + p.window);
        assert_eq!(d, AttemptDecision::Proceed);
        assert_eq!(next.failures, 1);
    }

    #[test]
    fn still_locked_just_before_expiry() {
        let p = LockoutPolicy::default();
        let now = Utc::now();
        let (state, _) = run(&p, 6, now);
        let (_, d) = p.register_attempt(state.as_ref(), now + p.lock_for - Duration::seconds(1));
        assert!(matches!(
            d,
            AttemptDecision::Locked {
                newly_locked: false,
                ..
            }
        ));
    }
}
