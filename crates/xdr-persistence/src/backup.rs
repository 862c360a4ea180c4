//! Online copies of a SQLite database (`mini-xdr backup`/`restore`). `VACUUM INTO` writes a
//! consistent snapshot, as of one read transaction, while the server goes on writing: readers
//! and the one writer of WAL mode do not block it, nor it them.

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

use crate::config::Target;
use crate::error::PersistenceError;

/// What a checked copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    pub bytes: u64,
    /// Migrations applied to the copy (its schema version).
    pub migrations: i64,
}

/// Why a copy could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Database(#[from] PersistenceError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} is not a Mini-XDR SQLite database: {1}")]
    NotOurs(PathBuf, String),
    #[error("{0} is damaged: {1}")]
    Damaged(PathBuf, String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The file of a `sqlite://` URL; `None` for PostgreSQL.
pub fn sqlite_file(url: &str) -> Result<Option<PathBuf>, PersistenceError> {
    Ok(match Target::parse(url)? {
        Target::Sqlite(path) => Some(path),
        Target::Postgres(_) => None,
    })
}

fn open(path: &Path) -> Result<SqliteConnection, BackupError> {
    let url = path
        .to_str()
        .ok_or_else(|| BackupError::NotOurs(path.to_owned(), "the path is not UTF-8".into()))?;
    SqliteConnection::establish(url)
        .map_err(|e| BackupError::NotOurs(path.to_owned(), e.to_string()))
}

/// Copies the database at `database` into the new file `out` (which must not exist) and
/// checks the copy.
pub fn backup(database: &Path, out: &Path) -> Result<CopySummary, BackupError> {
    if !database.is_file() {
        return Err(BackupError::NotOurs(
            database.to_owned(),
            "no such file".into(),
        ));
    }
    let mut conn = open(database)?;
    conn.batch_execute("PRAGMA busy_timeout = 10000")
        .map_err(PersistenceError::from)?;
    let target = out
        .to_str()
        .ok_or_else(|| BackupError::NotOurs(out.to_owned(), "the path is not UTF-8".into()))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target)
        .execute(&mut conn)
        .map_err(PersistenceError::from)?;
    drop(conn);
    // VACUUM INTO does not sync what it wrote.
    std::fs::File::open(out)
        .and_then(|f| f.sync_all())
        .map_err(io(out))?;
    check_copy(out)
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Checks that `path` is a whole SQLite database with Mini-XDR's schema in it.
pub fn check_copy(path: &Path) -> Result<CopySummary, BackupError> {
    let bytes = std::fs::metadata(path).map_err(io(path))?.len();
    let mut conn = open(path)?;
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check")
        .load(&mut conn)
        .map_err(|e| BackupError::Damaged(path.to_owned(), e.to_string()))?;
    if lines.len() != 1 || lines[0].integrity_check != "ok" {
        let found: Vec<String> = lines
            .into_iter()
            .take(5)
            .map(|l| l.integrity_check)
            .collect();
        return Err(BackupError::Damaged(path.to_owned(), found.join("; ")));
    }
    let migrations = diesel::sql_query("SELECT COUNT(*) AS n FROM __diesel_schema_migrations")
        .get_result::<Count>(&mut conn)
        .map_err(|e| BackupError::NotOurs(path.to_owned(), e.to_string()))?
        .n;
    diesel::sql_query("SELECT COUNT(*) AS n FROM organizations")
        .get_result::<Count>(&mut conn)
        .map_err(|e| BackupError::NotOurs(path.to_owned(), e.to_string()))?;
    Ok(CopySummary { bytes, migrations })
}
