use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use xdr_domain::identity::{
    AttemptDecision, AttemptOutcome, LockoutPolicy, RESERVATION_TTL_SECONDS,
};
use xdr_domain::ports::{LoginThrottleRepository, RepoResult};

use crate::connection::AnyConnection;
use crate::database::Database;
use crate::error::DbResultExt;
use crate::models::{THROTTLE_COLUMNS, ThrottleRow};
use crate::schema::login_throttles;
use crate::time::to_db;

#[derive(Debug, Clone)]
pub struct SqlLoginThrottleRepository {
    db: Database,
}

impl SqlLoginThrottleRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// The row of `key`, created as a placeholder if missing, locked until the transaction ends.
/// PostgreSQL: one `INSERT .. ON CONFLICT (key) DO UPDATE .. RETURNING` either inserts the
/// placeholder or locks the existing row, atomically. (Not `DO NOTHING` then `SELECT .. FOR
/// UPDATE`: a concurrent `conclude` can delete the row between the two statements, and the
/// select then finds nothing.) SQLite: the immediate transaction already holds the database's
/// write lock.
fn lock_row(conn: &mut AnyConnection, key: &str, now: DateTime<Utc>) -> QueryResult<ThrottleRow> {
    let placeholder = ThrottleRow::placeholder(key, now);
    match conn {
        AnyConnection::Postgresql(pg) => diesel::insert_into(login_throttles::table)
            .values(&placeholder)
            .on_conflict(login_throttles::key)
            .do_update()
            .set(login_throttles::key.eq(excluded(login_throttles::key)))
            .returning(THROTTLE_COLUMNS)
            .get_result(pg),
        AnyConnection::Sqlite(lite) => {
            diesel::insert_into(login_throttles::table)
                .values(&placeholder)
                .on_conflict_do_nothing()
                .execute(lite)?;
            login_throttles::table
                .find(key)
                .select(THROTTLE_COLUMNS)
                .first(lite)
        }
    }
}

impl LoginThrottleRepository for SqlLoginThrottleRepository {
    fn register_attempt(
        &self,
        key: &str,
        policy: &LockoutPolicy,
        now: DateTime<Utc>,
    ) -> RepoResult<AttemptDecision> {
        // Not tenant data: the key is a hash of the email as typed, of no organization.
        self.db.untenanted_write(|c| {
            let current = lock_row(c, key, now).repo()?.state()?;
            let (next, decision) = policy.register_attempt(current.as_ref(), now);
            diesel::update(login_throttles::table.find(key))
                .set(&ThrottleRow::from_state(key, &next, now))
                .execute(c)
                .repo()?;
            Ok(decision)
        })
    }

    fn conclude(
        &self,
        key: &str,
        policy: &LockoutPolicy,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<DateTime<Utc>>> {
        self.db.untenanted_write(|c| {
            let current = lock_row(c, key, now).repo()?.state()?;
            let (next, newly_locked) = policy.conclude(current.as_ref(), outcome, now);
            match next {
                Some(state) => diesel::update(login_throttles::table.find(key))
                    .set(&ThrottleRow::from_state(key, &state, now))
                    .execute(c),
                None => diesel::delete(login_throttles::table.find(key)).execute(c),
            }
            .repo()?;
            Ok(newly_locked)
        })
    }

    fn prune(&self, policy: &LockoutPolicy, now: DateTime<Utc>, limit: usize) -> RepoResult<usize> {
        // A row not written since the longest of window, lock and reservation life is over
        // (each is set at or before the row's update): found through the updated_at index.
        let quiet_for = policy
            .window
            .max(policy.lock_for)
            .max(Duration::seconds(RESERVATION_TTL_SECONDS));
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.db.untenanted_write(|c| {
            let rows: Vec<ThrottleRow> = login_throttles::table
                .filter(login_throttles::updated_at.le(to_db(now - quiet_for)))
                .order(login_throttles::updated_at.asc())
                .limit(limit)
                .select(THROTTLE_COLUMNS)
                .load(c)
                .repo()?;
            let mut expired = Vec::new();
            for row in rows {
                let over = row.state()?.is_none_or(|s| policy.expired(&s, now));
                if over {
                    expired.push(row.key);
                }
            }
            diesel::delete(login_throttles::table.filter(login_throttles::key.eq_any(&expired)))
                .execute(c)
                .repo()
        })
    }
}
