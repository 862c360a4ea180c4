use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::identity::ThrottleState;

use crate::error::corrupt;
use crate::schema::login_throttles;
use crate::time::{from_db, to_db};

/// The columns of [`ThrottleRow`], in field order: use with `.select(..)` and `.returning(..)`.
pub(crate) type ThrottleColumns = (
    login_throttles::key,
    login_throttles::failures,
    login_throttles::window_started_at,
    login_throttles::locked_until,
    login_throttles::updated_at,
    login_throttles::in_flight,
    login_throttles::reserved_at,
    login_throttles::refused,
);
pub(crate) const THROTTLE_COLUMNS: ThrottleColumns = (
    login_throttles::key,
    login_throttles::failures,
    login_throttles::window_started_at,
    login_throttles::locked_until,
    login_throttles::updated_at,
    login_throttles::in_flight,
    login_throttles::reserved_at,
    login_throttles::refused,
);

/// A row of `login_throttles`. A row with nothing in it (no failure, reservation or lock) is
/// the placeholder written only to have a row to lock: it means "no state".
#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub in_flight: i32,
    pub reserved_at: Option<NaiveDateTime>,
    pub refused: i32,
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn stored_count(n: i32, column: &str) -> Result<u32, RepoError> {
    u32::try_from(n).map_err(|e| corrupt(column, e))
}

impl ThrottleRow {
    pub(crate) fn placeholder(key: &str, now: DateTime<Utc>) -> Self {
        Self {
            key: key.to_owned(),
            failures: 0,
            window_started_at: to_db(now),
            locked_until: None,
            updated_at: to_db(now),
            in_flight: 0,
            reserved_at: None,
            refused: 0,
        }
    }

    pub(crate) fn from_state(key: &str, state: &ThrottleState, now: DateTime<Utc>) -> Self {
        Self {
            key: key.to_owned(),
            failures: count(state.failures),
            window_started_at: to_db(state.window_started_at),
            locked_until: state.locked_until.map(to_db),
            updated_at: to_db(now),
            in_flight: count(state.in_flight),
            reserved_at: state.reserved_at.map(to_db),
            refused: count(state.refused),
        }
    }

    pub(crate) fn state(&self) -> Result<Option<ThrottleState>, RepoError> {
        let state = ThrottleState {
            failures: stored_count(self.failures, "login_throttles.failures")?,
            in_flight: stored_count(self.in_flight, "login_throttles.in_flight")?,
            reserved_at: self.reserved_at.map(from_db),
            window_started_at: from_db(self.window_started_at),
            locked_until: self.locked_until.map(from_db),
            refused: stored_count(self.refused, "login_throttles.refused")?,
        };
        Ok((!state.is_idle()).then_some(state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_means_no_state_and_negative_counts_are_corrupt() {
        let now = Utc::now();
        let mut row = ThrottleRow::placeholder("k", now);
        assert_eq!(row.state().unwrap(), None);
        row.failures = -1;
        assert!(matches!(row.state(), Err(RepoError::Corrupt(_))));
        row.failures = 0;
        row.in_flight = -1;
        assert!(matches!(row.state(), Err(RepoError::Corrupt(_))));
        let state = ThrottleState {
            failures: 3,
            in_flight: 2,
            reserved_at: Some(now),
            window_started_at: now,
            locked_until: None,
            refused: 0,
        };
        let back = ThrottleRow::from_state("k", &state, now)
            .state()
            .unwrap()
            .unwrap();
        assert_eq!((back.failures, back.in_flight), (3, 2));
    }
}
