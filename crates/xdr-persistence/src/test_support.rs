//! Throw-away databases for tests (feature `test-support`).
//!
//! ```ignore
//! let t = TestDatabase::sqlite();
//! let t = TestDatabase::postgres("postgres://postgres@127.0.0.1:5432/postgres");
//! let t = TestDatabase::on(Backend::Postgres); // on the server of `pg_admin_url()`
//! let repos = t.database().repositories();
//! ```
//!
//! A PostgreSQL test database is created by the administrator of the URL given but owned by
//! [`APP_ROLE`], an ordinary role that row-level security applies to, and the application
//! (migrations, repositories, spawned binaries via [`TestDatabase::url`]) connects as that
//! role: every PostgreSQL test runs behind both tenant walls.
//!
//! Test helpers panic (with a message saying what to do) instead of returning errors.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use xdr_domain::OrganizationId;
use xdr_domain::ports::RepoResult;

use crate::config::{Backend, DatabaseConfig, redact_url};
use crate::connection::AnyConnection;
use crate::database::Database;
use crate::error::DbResultExt;

const POOL_SIZE: u32 = 8;

/// The environment variable naming the PostgreSQL server tests create their databases on.
pub const ADMIN_URL_VAR: &str = "MINI_XDR_TEST_DATABASE_URL";
/// That server when the variable is not set.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The PostgreSQL server tests create their databases on: [`ADMIN_URL_VAR`], else
/// [`DEFAULT_ADMIN_URL`]. Its user must be able to create roles and databases.
pub fn pg_admin_url() -> String {
    std::env::var(ADMIN_URL_VAR).unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// The role PostgreSQL test databases belong to and the application connects as: neither a
/// superuser nor `BYPASSRLS`, so row-level security applies to it.
pub const APP_ROLE: &str = "mini_xdr_app_test";
/// Its password (for servers that do not trust local connections).
const APP_ROLE_PASSWORD: &str = "mini_xdr_app_test";

/// Creates [`APP_ROLE`] unless it exists. Tests run in parallel: a concurrent creation shows up
/// as `duplicate_object` or, when both passed the existence check, as `unique_violation`.
const CREATE_APP_ROLE: &str = "DO $$ BEGIN \
     CREATE ROLE mini_xdr_app_test LOGIN PASSWORD 'mini_xdr_app_test' \
         NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; \
     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
     END $$";

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
        ..DatabaseConfig::new(url)
    }
}

fn unreachable_message(admin_url: &str, error: impl std::fmt::Display) -> String {
    format!(
        "PostgreSQL is unreachable at {} ({error}). Start it with \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or point \
         {ADMIN_URL_VAR} at a server where the user may create databases.",
        redact_url(admin_url)
    )
}

/// `url` with its user (and password) replaced by [`APP_ROLE`] and its database by `name`.
fn app_url(admin_url: &str, name: &str) -> String {
    let url = with_database_name(admin_url, name);
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", &url));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let host = rest[..authority_end]
        .rsplit_once('@')
        .map_or(&rest[..authority_end], |(_, host)| host);
    let tail = &rest[authority_end..];
    format!("{scheme}://{APP_ROLE}:{APP_ROLE_PASSWORD}@{host}{tail}")
}

/// Creates the application role if needed and refuses one that row-level security would not
/// apply to (the tests would then prove nothing about it).
fn ensure_app_role(admin: &mut PgConnection) {
    admin
        .batch_execute(CREATE_APP_ROLE)
        .unwrap_or_else(|e| panic!("cannot create the role {APP_ROLE}: {e}"));
    let exempt: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "(SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = '{APP_ROLE}')"
    )))
    .get_result(admin)
    .unwrap_or_else(|e| panic!("cannot read the attributes of {APP_ROLE}: {e}"));
    assert!(
        !exempt,
        "{APP_ROLE} is a superuser or BYPASSRLS: drop it so that the tests recreate it"
    );
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

    /// A new database `mini_xdr_t_<uuid>` on the server of `admin_url`, owned by [`APP_ROLE`],
    /// migrated by it, dropped (`WITH (FORCE)`, by the administrator) when this value is.
    /// Panics when the server is unreachable.
    pub fn postgres(admin_url: &str) -> TestDatabase {
        let name = format!("mini_xdr_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("{}", unreachable_message(admin_url, e)));
        ensure_app_role(&mut admin);
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\" OWNER {APP_ROLE}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let url = app_url(admin_url, &name);
        let cleanup = Cleanup::DropDatabase {
            admin_url: admin_url.to_owned(),
            name,
        };
        Self::open(url, cleanup)
    }

    /// A fresh database on `backend`: [`TestDatabase::sqlite`], or [`TestDatabase::postgres`] on
    /// the server of [`pg_admin_url`].
    pub fn on(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres(&pg_admin_url()),
        }
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

    /// The URL the application uses (`sqlite://...`, or `postgres://` as [`APP_ROLE`]).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// PostgreSQL: this database's URL as the administrator (a superuser: row-level security
    /// does not apply). `None` on SQLite.
    pub fn admin_url(&self) -> Option<String> {
        match &self.cleanup {
            Cleanup::DropDatabase { admin_url, name } => Some(with_database_name(admin_url, name)),
            Cleanup::RemoveDir(_) => None,
        }
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

/// Runs `f` in the tenant scope of `org`, the one repositories use: on PostgreSQL a transaction
/// in which row-level security shows only that organization's rows.
pub fn tenant_scope<T>(
    db: &Database,
    org: OrganizationId,
    f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
) -> RepoResult<T> {
    db.tenant(org, f)
}

/// Runs `f` on a pooled connection outside any scope, as it comes from the pool.
pub fn unscoped<T>(db: &Database, f: impl FnOnce(&mut AnyConnection) -> T) -> T {
    db.untenanted(|conn| Ok(f(conn)))
        .unwrap_or_else(|e| panic!("no connection to the test database: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_application_connects_as_its_role() {
        assert_eq!(
            app_url("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://mini_xdr_app_test:mini_xdr_app_test@127.0.0.1:5432/t1"
        );
        assert_eq!(
            app_url("postgresql://u:p@h/db?sslmode=disable", "t2"),
            "postgresql://mini_xdr_app_test:mini_xdr_app_test@h/t2?sslmode=disable"
        );
        assert_eq!(
            app_url("postgres://h:5432", "t3"),
            "postgres://mini_xdr_app_test:mini_xdr_app_test@h:5432/t3"
        );
    }

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
