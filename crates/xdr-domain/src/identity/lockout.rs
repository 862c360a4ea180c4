//! Account lockout: a pure state machine that storage applies atomically, per login key.
//!
//! An attempt takes a *reservation* before its password is checked, and gives it back with its
//! outcome ([`LockoutPolicy::conclude`]). Failures plus reservations in flight never exceed
//! `max_failures`, so parallel *wrong* attempts get at most that many password checks; when
//! every reservation is in flight, further attempts are told to retry in a moment
//! ([`AttemptDecision::Busy`]), never locked. A lock starts only once `max_failures` attempts
//! have actually failed, and a success clears the failures (and a lock that started while it
//! was being checked).

use chrono::{DateTime, Duration, Utc};

/// Failures allowed in one window before the account locks.
pub const DEFAULT_MAX_FAILURES: u32 = 5;
pub const DEFAULT_WINDOW_MINUTES: i64 = 15;
pub const DEFAULT_LOCK_MINUTES: i64 = 15;
/// A reservation not given back within this time is forgotten (its request was cancelled or
/// its process died): far longer than a password check takes, even queued behind a storm.
pub const RESERVATION_TTL_SECONDS: i64 = 30;
/// What an attempt refused because every reservation is in flight is told to wait.
pub const BUSY_RETRY_AFTER_SECONDS: u64 = 1;

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
    /// Attempts whose password check failed in the current window.
    pub failures: u32,
    /// Attempts let through whose outcome is not known yet.
    pub in_flight: u32,
    /// When the newest reservation was taken.
    pub reserved_at: Option<DateTime<Utc>>,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
    /// Attempts refused during the current lock (recorded once, when the lock ends).
    pub refused: u32,
}

impl ThrottleState {
    fn fresh(now: DateTime<Utc>) -> Self {
        Self {
            failures: 0,
            in_flight: 0,
            reserved_at: None,
            window_started_at: now,
            locked_until: None,
            refused: 0,
        }
    }

    /// Nothing worth keeping: no failure, no reservation, no lock.
    pub fn is_idle(&self) -> bool {
        self.failures == 0 && self.in_flight == 0 && self.locked_until.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptDecision {
    /// The password may be checked; a reservation was taken. `ended_lock` reports the lock
    /// that expired just before this attempt, with the attempts it refused.
    Proceed { ended_lock: Option<EndedLock> },
    /// Every reservation is in flight: retry in a moment (no password check, not counted).
    Busy { retry_after_seconds: u64 },
    /// Locked: refused without a password check.
    Locked { until: DateTime<Utc> },
}

/// A lock that expired, and how many attempts it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndedLock {
    pub until: DateTime<Utc>,
    pub refused: u32,
}

/// What a reserved attempt's password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Succeeded,
    Failed,
}

impl LockoutPolicy {
    /// The state after one more attempt, and whether that attempt may check a password.
    pub fn register_attempt(
        &self,
        current: Option<&ThrottleState>,
        now: DateTime<Utc>,
    ) -> (ThrottleState, AttemptDecision) {
        let mut state = current
            .cloned()
            .unwrap_or_else(|| ThrottleState::fresh(now));
        forget_stale_reservations(&mut state, now);
        let mut ended_lock = None;
        if let Some(until) = state.locked_until {
            if now < until {
                state.refused = state.refused.saturating_add(1);
                return (state, AttemptDecision::Locked { until });
            }
            ended_lock = Some(EndedLock {
                until,
                refused: state.refused,
            });
            state = ThrottleState {
                in_flight: state.in_flight,
                reserved_at: state.reserved_at,
                ..ThrottleState::fresh(now)
            };
        }
        if now >= state.window_started_at + self.window {
            state.failures = 0;
            state.window_started_at = now;
        }
        if state.failures.saturating_add(state.in_flight) >= self.max_failures {
            let decision = AttemptDecision::Busy {
                retry_after_seconds: BUSY_RETRY_AFTER_SECONDS,
            };
            return (state, decision);
        }
        state.in_flight += 1;
        state.reserved_at = Some(now);
        (state, AttemptDecision::Proceed { ended_lock })
    }

    /// Gives back a reservation with its outcome. Returns the state to keep (`None`: nothing
    /// to keep) and, when this failure locked the key, until when.
    pub fn conclude(
        &self,
        current: Option<&ThrottleState>,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
    ) -> (Option<ThrottleState>, Option<DateTime<Utc>>) {
        let mut state = current
            .cloned()
            .unwrap_or_else(|| ThrottleState::fresh(now));
        state.in_flight = state.in_flight.saturating_sub(1);
        let mut newly_locked = None;
        match outcome {
            AttemptOutcome::Succeeded => {
                state.failures = 0;
                state.locked_until = None;
                state.refused = 0;
            }
            AttemptOutcome::Failed => {
                if now >= state.window_started_at + self.window {
                    state.failures = 0;
                    state.window_started_at = now;
                }
                state.failures = state.failures.saturating_add(1);
                if state.failures >= self.max_failures && state.locked_until.is_none() {
                    let until = now + self.lock_for;
                    state.locked_until = Some(until);
                    state.refused = 0;
                    newly_locked = Some(until);
                }
            }
        }
        let keep = (!state.is_idle()).then_some(state);
        (keep, newly_locked)
    }

    /// Whether a stored state can be deleted at `now`: its lock (if any) is over, its window has
    /// passed and no reservation is still in flight.
    pub fn expired(&self, state: &ThrottleState, now: DateTime<Utc>) -> bool {
        let lock_over = state.locked_until.is_none_or(|until| until <= now);
        let window_over = now >= state.window_started_at + self.window;
        let no_reservation = state
            .reserved_at
            .is_none_or(|at| now >= at + Duration::seconds(RESERVATION_TTL_SECONDS));
        lock_over && window_over && no_reservation
    }
}

fn forget_stale_reservations(state: &mut ThrottleState, now: DateTime<Utc>) {
    if let Some(at) = state.reserved_at
        && now >= at + Duration::seconds(RESERVATION_TTL_SECONDS)
    {
        state.in_flight = 0;
        state.reserved_at = None;
    }
}

#[cfg(test)]
#[path = "lockout_tests.rs"]
mod tests;
