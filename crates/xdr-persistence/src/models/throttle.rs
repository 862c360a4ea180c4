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
);
pub(crate) const THROTTLE_COLUMNS: ThrottleColumns = (
    login_throttles::key,
    login_throttles::failures,
    login_throttles::window_started_at,
    login_throttles::locked_until,
    login_throttles::updated_at,
);

/// A row of `login_throttles`. `failures = 0` is the placeholder written only to have a row to
/// lock: it means "no attempts yet" (the policy never stores 0).
#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
pub(crate) struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

impl ThrottleRow {
    pub(crate) fn placeholder(key: &str, now: DateTime<Utc>) -> Self {
        Self {
            key: key.to_owned(),
            failures: 0,
            window_started_at: to_db(now),
            locked_until: None,
            updated_at: to_db(now),
        }
    }

    pub(crate) fn from_state(key: &str, state: &ThrottleState, now: DateTime<Utc>) -> Self {
        Self {
            key: key.to_owned(),
            failures: i32::try_from(state.failures).unwrap_or(i32::MAX),
            window_started_at: to_db(state.window_started_at),
            locked_until: state.locked_until.map(to_db),
            updated_at: to_db(now),
        }
    }

    pub(crate) fn state(&self) -> Result<Option<ThrottleState>, RepoError> {
        let failures =
            u32::try_from(self.failures).map_err(|e| corrupt("login_throttles.failures", e))?;
        if failures == 0 {
            return Ok(None);
        }
        Ok(Some(ThrottleState {
            failures,
            window_started_at: from_db(self.window_started_at),
            locked_until: self.locked_until.map(from_db),
        }))
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
        let state = ThrottleState {
            failures: 3,
            window_started_at: now,
            locked_until: None,
        };
        let back = ThrottleRow::from_state("k", &state, now)
            .state()
            .unwrap()
            .unwrap();
        assert_eq!(back.failures, 3);
    }
}
