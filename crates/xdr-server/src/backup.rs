//! `mini-xdr backup` and `mini-xdr restore` for the embedded SQLite database (PostgreSQL is
//! backed up with its own tools, docs/operations.md). A serving process holds a shared lock
//! on `<database>.lock`; `restore` needs it exclusively, so it never replaces the file under
//! a running server.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use xdr_persistence::backup::{self, BackupError, CopySummary};

use crate::config::{ConfigError, Settings, ensure_private_dir};

/// Why a backup or a restore was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore \
         (docs/operations.md)"
    )]
    NotSqlite,
    #[error("{0} exists: give a new file (a backup never overwrites one)")]
    OutExists(PathBuf),
    #[error("a mini-xdr server is running on {0}: stop it first")]
    Serving(PathBuf),
    #[error("a restore is replacing {0}: start the server when it is done")]
    Restoring(PathBuf),
    #[error("{0} exists: pass --force to replace it with the backup")]
    DatabaseExists(PathBuf),
    #[error(transparent)]
    Copy(#[from] BackupError),
    #[error(transparent)]
    Directory(#[from] ConfigError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CopyError + '_ {
    move |source| CopyError::Io {
        path: path.to_owned(),
        source,
    }
}

fn database_file(settings: &Settings) -> Result<PathBuf, CopyError> {
    backup::sqlite_file(settings.database.url.expose())
        .map_err(BackupError::from)?
        .ok_or(CopyError::NotSqlite)
}

fn lock_path(database: &Path) -> PathBuf {
    with_suffix(database, ".lock")
}

/// The lock file beside the database, its directory made (private, as the data directory)
/// when missing.
fn open_lock(database: &Path) -> Result<File, CopyError> {
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        ensure_private_dir(dir)?;
    }
    let path = lock_path(database);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))
}

/// Held by `serve` for as long as it runs (none on PostgreSQL), taken before the database is
/// opened (a server must not keep connections to a file a restore then replaced). Several
/// servers may share a SQLite file; a restore may not run beside any of them.
pub fn serving_lock(settings: &Settings) -> Result<Option<File>, CopyError> {
    let database = match database_file(settings) {
        Ok(database) => database,
        Err(CopyError::NotSqlite) => return Ok(None),
        Err(e) => return Err(e),
    };
    let lock = open_lock(&database)?;
    match lock.try_lock_shared() {
        Ok(()) => Ok(Some(lock)),
        Err(TryLockError::WouldBlock) => Err(CopyError::Restoring(database)),
        Err(TryLockError::Error(e)) => Err(io(&lock_path(&database))(e)),
    }
}

/// Writes a consistent copy of the served database to `out`, while it serves.
pub fn run_backup(settings: &Settings, out: &Path) -> Result<CopySummary, CopyError> {
    let database = database_file(settings)?;
    if out.exists() {
        return Err(CopyError::OutExists(out.to_owned()));
    }
    // Written under a temporary name: `out` appears whole or not at all.
    let partial = with_suffix(out, ".partial");
    let _ = std::fs::remove_file(&partial);
    let summary = backup::backup(&database, &partial).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::rename(&partial, out).map_err(io(out))?;
    Ok(summary)
}

/// Replaces the database with the checked copy `from`, when no server runs on it.
pub fn run_restore(
    settings: &Settings,
    from: &Path,
    force: bool,
) -> Result<CopySummary, CopyError> {
    let database = database_file(settings)?;
    let summary = backup::check_copy(from)?;
    let lock = open_lock(&database)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(CopyError::Serving(database)),
        Err(TryLockError::Error(e)) => return Err(io(&lock_path(&database))(e)),
    }
    if database.exists() && !force {
        return Err(CopyError::DatabaseExists(database));
    }
    let incoming = with_suffix(&database, ".restoring");
    std::fs::copy(from, &incoming).map_err(io(&incoming))?;
    File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(io(&incoming))?;
    // The old database's write-ahead log and index would be read as the new one's.
    for leftover in [
        with_suffix(&database, "-wal"),
        with_suffix(&database, "-shm"),
    ] {
        match std::fs::remove_file(&leftover) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&leftover)(e)),
            _ => {}
        }
    }
    std::fs::rename(&incoming, &database).map_err(io(&database))?;
    drop(lock);
    Ok(summary)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
