use std::time::Duration;

use xdr_domain::ports::HealthCheck;
use xdr_persistence::{Backend, Database, DatabaseConfig, PersistenceError};

fn ping(db: &Database) {
    db.ping().unwrap();
    db.repositories().health.ping().unwrap();
}

both_backends!(ping);

#[test]
fn backends_are_reported() {
    assert_eq!(
        crate::support::sqlite().database().backend(),
        Backend::Sqlite
    );
    assert_eq!(
        crate::support::postgres().database().backend(),
        Backend::Postgres
    );
}

#[test]
fn unknown_schemes_are_refused() {
    let err = Database::connect(&DatabaseConfig::new("mysql://localhost/xdr")).unwrap_err();
    assert!(
        matches!(err, PersistenceError::UnsupportedScheme(ref s) if s == "mysql"),
        "{err}"
    );
}

#[test]
fn unreachable_postgres_is_an_error_not_a_panic() {
    let config = DatabaseConfig {
        connect_timeout: Duration::from_secs(2),
        ..DatabaseConfig::new("postgres://postgres@127.0.0.1:1/nothing")
    };
    let err = Database::connect(&config).unwrap_err();
    assert!(matches!(err, PersistenceError::Pool(_)), "{err}");
}

#[test]
fn sqlite_creates_the_parent_directory() {
    let dir = std::env::temp_dir().join(format!("mini-xdr-dir-{}", uuid::Uuid::new_v4().simple()));
    let url = format!("sqlite:{}", dir.join("nested/deeper/x.db").display());
    let db = Database::connect(&DatabaseConfig::new(url)).unwrap();
    assert_eq!(
        db.run_pending_migrations().unwrap().len(),
        super::support::migration_names().len()
    );
    db.ping().unwrap();
    drop(db);
    assert!(dir.join("nested/deeper/x.db").exists());
    std::fs::remove_dir_all(dir).unwrap();
}

fn checkpoint(db: &Database) {
    crate::support::tenant(db);
    db.checkpoint().unwrap();
}

both_backends!(checkpoint);

#[test]
fn a_checkpoint_moves_the_write_ahead_log_into_the_database_file() {
    let t = crate::support::sqlite();
    let db = t.database();
    let path = t
        .url()
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .to_owned();
    let size = || std::fs::metadata(&path).unwrap().len();
    let before = size();
    for _ in 0..20 {
        crate::support::tenant(&db);
    }
    assert_eq!(size(), before, "the new rows are only in the log so far");
    db.checkpoint().unwrap();
    assert!(
        size() > before,
        "the checkpoint wrote them into the database file"
    );
}

/// `.cargo/config.toml` builds SQLite with the query planner stability guarantee; without it,
/// every statement with a bound `LIMIT` is prepared again on each execution.
#[test]
fn sqlite_is_built_with_the_query_planner_stability_guarantee() {
    use diesel::prelude::*;
    use diesel::sql_types::Bool;
    let t = crate::support::sqlite();
    let on = xdr_persistence::test_support::unscoped(&t.database(), |conn| {
        diesel::select(diesel::dsl::sql::<Bool>(
            "EXISTS (SELECT 1 FROM pragma_compile_options WHERE compile_options = 'ENABLE_QPSG')",
        ))
        .get_result::<bool>(conn)
        .unwrap()
    });
    assert!(
        on,
        "build SQLite with LIBSQLITE3_FLAGS=-DSQLITE_ENABLE_QPSG"
    );
}
