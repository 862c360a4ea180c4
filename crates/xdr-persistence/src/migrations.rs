//! Embedded migrations, one set per backend (their SQL types differ).

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::AnyConnection;
use crate::error::PersistenceError;

const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

type HarnessError = Box<dyn std::error::Error + Send + Sync>;

fn migration_error(e: HarnessError) -> PersistenceError {
    PersistenceError::Migration(e.to_string())
}

fn pending<C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, PersistenceError>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
{
    let pending = conn.pending_migrations(source).map_err(migration_error)?;
    let names = pending.iter().map(|m| m.name().to_string()).collect();
    conn.run_migrations(&pending).map_err(migration_error)?;
    Ok(names)
}

fn revert_all<C>(conn: &mut C, source: EmbeddedMigrations) -> Result<Vec<String>, PersistenceError>
where
    C: MigrationHarness<C::Backend> + diesel::Connection,
{
    let reverted = conn
        .revert_all_migrations(source)
        .map_err(migration_error)?;
    Ok(reverted.iter().map(ToString::to_string).collect())
}

/// Applies the pending migrations; returns their names (`2026-11-23-000001_identity`...).
pub(crate) fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, PersistenceError> {
    match conn {
        AnyConnection::Sqlite(c) => pending(c, SQLITE),
        AnyConnection::Postgresql(c) => pending(c, POSTGRES),
    }
}

/// Reverts every applied migration, newest first; returns the versions reverted.
pub(crate) fn revert(conn: &mut AnyConnection) -> Result<Vec<String>, PersistenceError> {
    match conn {
        AnyConnection::Sqlite(c) => revert_all(c, SQLITE),
        AnyConnection::Postgresql(c) => revert_all(c, POSTGRES),
    }
}
