use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::identity::{AttemptDecision, LockoutPolicy};
use xdr_domain::ports::{LoginThrottleRepository, RepoResult};

use crate::connection::AnyConnection;
use crate::database::Database;
use crate::error::DbResultExt;
use crate::models::{THROTTLE_COLUMNS, ThrottleRow};
use crate::schema::login_throttles;

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
/// PostgreSQL: `INSERT .. ON CONFLICT DO NOTHING` gives every caller a row to wait on, then
/// `SELECT .. FOR UPDATE` takes its lock. SQLite: the immediate transaction already holds the
/// database's write lock. (`ON CONFLICT` and `FOR UPDATE` are not in diesel's multi-backend DSL.)
fn lock_row(conn: &mut AnyConnection, key: &str, now: DateTime<Utc>) -> QueryResult<ThrottleRow> {
    let placeholder = ThrottleRow::placeholder(key, now);
    let query = login_throttles::table.find(key).select(THROTTLE_COLUMNS);
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::insert_into(login_throttles::table)
                .values(&placeholder)
                .on_conflict_do_nothing()
                .execute(pg)?;
            query.for_update().first(pg)
        }
        AnyConnection::Sqlite(lite) => {
            diesel::insert_into(login_throttles::table)
                .values(&placeholder)
                .on_conflict_do_nothing()
                .execute(lite)?;
            query.first(lite)
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

    fn clear(&self, key: &str) -> RepoResult<()> {
        self.db.untenanted(|conn| {
            diesel::delete(login_throttles::table.find(key))
                .execute(conn)
                .repo()?;
            Ok(())
        })
    }
}
