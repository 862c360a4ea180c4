//! Throw-away databases for tests (feature `test-support`).
//!
//! ```ignore
//! let t = TestDatabase::sqlite();
//! let t = TestDatabase::postgres("postgres://postgres@127.0.0.1:5432/postgres");
//! let repos = t.database().repositories();
//! ```
//!
//! Test helpers panic (with a message saying what to do) instead of returning errors.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};

use crate::config::{DatabaseConfig, redact_url};
use crate::database::Database;
use crate::error::DbResultExt;

const POOL_SIZE: u32 = 8;

/// A migrated database of its own, removed when dropped.
#[derive(Debug)]
pub struct TestDatabase {
    database: Option<Database>,
    url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    RemoveDir(PathBuf),
    DropDatabase { admin_url: String, name: String },
}

fn config(url: &str) -> DatabaseConfig {
    DatabaseConfig {
        url: url.to_owned(),
        pool_size: POOL_SIZE,
        connect_timeout: Duration::from_secs(60),
        sqlite_busy_timeout: Duration::from_secs(30),
    }
}

fn unreachable_message(admin_url: &str, error: impl std::fmt::Display) -> String {
    format!(
        "PostgreSQL is unreachable at {} ({error}). Start it with \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point \
         MINI_XDR_TEST_DATABASE_URL at a server where the user may create databases.",
        redact_url(admin_url)
    )
}

/// `url` with its database name replaced by `name` (query string kept).
fn with_database_name(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(a, _)| a);
    match query {
        Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

impl TestDatabase {
    /// A fresh SQLite file in a new temporary directory, migrated.
    pub fn sqlite() -> TestDatabase {
        let dir =
            std::env::temp_dir().join(format!("mini-xdr-test-{}", uuid::Uuid::new_v4().simple()));
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let cleanup = Cleanup::RemoveDir(dir);
        Self::open(url, cleanup)
    }

    /// A new database `mini_xdr_t_<uuid>` on the server of `admin_url`, migrated, dropped
    /// (`WITH (FORCE)`) when this value is. Panics when the server is unreachable.
    pub fn postgres(admin_url: &str) -> TestDatabase {
        let name = format!("mini_xdr_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("{}", unreachable_message(admin_url, e)));
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let url = with_database_name(admin_url, &name);
        let cleanup = Cleanup::DropDatabase {
            admin_url: admin_url.to_owned(),
            name,
        };
        Self::open(url, cleanup)
    }

    fn open(url: String, cleanup: Cleanup) -> TestDatabase {
        // Built before connecting so that a failure below still cleans up.
        let mut test = TestDatabase {
            database: None,
            url,
            cleanup,
        };
        let database = Database::connect(&config(&test.url))
            .unwrap_or_else(|e| panic!("cannot open test database {}: {e}", redact_url(&test.url)));
        database
            .run_pending_migrations()
            .unwrap_or_else(|e| panic!("cannot migrate test database: {e}"));
        test.database = Some(database);
        test
    }

    /// The database (a clone sharing the pool).
    pub fn database(&self) -> Database {
        self.database
            .clone()
            .expect("a TestDatabase always has a database until dropped")
    }

    /// Runs one SQL statement directly, as someone with access to the database could (tests of
    /// tampering; on every organization's rows); returns the number of rows it changed.
    pub fn execute_sql(&self, sql: &str) -> usize {
        execute_sql(&self.database(), sql)
    }

    /// The URL of this database (`sqlite://...` or `postgres://...`).
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Close this handle's pool first (clones still alive keep theirs; FORCE ends them).
        self.database = None;
        match &self.cleanup {
            Cleanup::RemoveDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::DropDatabase { admin_url, name } => {
                let dropped = PgConnection::establish(admin_url)
                    .map_err(|e| e.to_string())
                    .and_then(|mut admin| {
                        admin
                            .batch_execute(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .map_err(|e| e.to_string())
                    });
                if let Err(e) = dropped {
                    eprintln!("warning: could not drop test database {name}: {e}");
                }
            }
        }
    }
}

/// Runs raw SQL on `db`, as an attacker with the application's database credentials could
/// (tamper tests only): on PostgreSQL with `app.cross_tenant` on, so every organization's rows
/// are in reach. Returns the number of affected rows.
pub fn execute_sql(db: &Database, sql: &str) -> usize {
    db.unrestricted_for_tests(|conn| diesel::sql_query(sql).execute(conn).repo())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database_name("postgresql://u:p@h/db?sslmode=disable", "t2"),
            "postgresql://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            with_database_name("postgres://h:5432", "t3"),
            "postgres://h:5432/t3"
        );
    }
}
