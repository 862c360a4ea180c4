//! The r2d2 pool: a connection manager that knows its backend, and SQLite's per-connection setup.

use std::time::Duration;

use diesel::connection::{Connection, SimpleConnection};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, CustomizeConnection, ManageConnection, Pool, R2D2Connection};
use diesel::sqlite::SqliteConnection;

use crate::config::{DatabaseConfig, Target, redact_url};
use crate::connection::AnyConnection;
use crate::error::PersistenceError;
use crate::pool_stats::PoolWaits;

pub(crate) type AnyPool = Pool<AnyConnectionManager>;
pub(crate) type AnyPooledConnection = r2d2::PooledConnection<AnyConnectionManager>;

/// Opens connections of the configured backend only. (The `MultiConnection` derive's own
/// `establish` tries every backend in turn, which hides the real error of the intended one.)
pub(crate) struct AnyConnectionManager {
    target: Target,
}

impl std::fmt::Debug for AnyConnectionManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.target {
            Target::Sqlite(path) => write!(f, "AnyConnectionManager(sqlite://{})", path.display()),
            Target::Postgres(url) => write!(f, "AnyConnectionManager({})", redact_url(url)),
        }
    }
}

impl ManageConnection for AnyConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.target {
            Target::Sqlite(path) => {
                let path = path.to_string_lossy();
                SqliteConnection::establish(&path)
                    .map(AnyConnection::Sqlite)
                    .map_err(r2d2::Error::ConnectionError)
            }
            Target::Postgres(url) => PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        let pinged = match conn {
            AnyConnection::Postgresql(c) => c.ping(),
            AnyConnection::Sqlite(c) => c.ping(),
        };
        pinged.map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking()
            || match conn {
                AnyConnection::Postgresql(c) => c.is_broken(),
                AnyConnection::Sqlite(c) => c.is_broken(),
            }
    }
}

/// Per-connection SQLite settings. `busy_timeout` comes first so that the statements after it
/// (switching to WAL needs a lock) already wait instead of failing. `temp_store = MEMORY` keeps
/// statement journals (the undo record a multi-row INSERT keeps in case a row fails) and sort
/// scratch space in memory instead of temporary files: a write syscall per page otherwise.
/// The page cache and the memory map are sized by the configuration (`cache_kib`,
/// `mmap_mib`).
#[derive(Debug)]
struct SqlitePragmas {
    busy_timeout: Duration,
    cache_kib: u32,
    mmap_mib: u32,
}

impl CustomizeConnection<AnyConnection, r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        let AnyConnection::Sqlite(conn) = conn else {
            return Ok(());
        };
        let millis = self.busy_timeout.as_millis().min(i32::MAX as u128);
        conn.batch_execute(&format!("PRAGMA busy_timeout = {millis};"))?;
        // A negative cache_size is in KiB; mmap_size is in bytes.
        let mmap_bytes = u64::from(self.mmap_mib) * 1024 * 1024;
        conn.batch_execute(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -{}; PRAGMA mmap_size = {mmap_bytes}; \
             PRAGMA wal_autocheckpoint = 10000; PRAGMA temp_store = MEMORY;",
            self.cache_kib
        ))?;
        Ok(())
    }
}

/// The pool; `waits` counts what its callers wait (`pool_stats`).
pub(crate) fn build(
    config: &DatabaseConfig,
    target: Target,
    waits: &std::sync::Arc<PoolWaits>,
) -> Result<AnyPool, PersistenceError> {
    if let Target::Sqlite(path) = &target
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(PersistenceError::CreateDirectory)?;
    }
    let customizer = SqlitePragmas {
        busy_timeout: config.sqlite_busy_timeout,
        cache_kib: config.sqlite_cache_kib,
        mmap_mib: config.sqlite_mmap_mib,
    };
    // A SQLite connection is a file handle that cannot drop like a network connection: no
    // `SELECT 1` before every checkout there. PostgreSQL connections are still tested, so a
    // server restart costs no failed request.
    let test_on_check_out = !matches!(target, Target::Sqlite(_));
    let pool = Pool::builder()
        .max_size(config.pool_size.max(1))
        .test_on_check_out(test_on_check_out)
        // No background filling: a connection opens only when a caller waits for it. With a
        // minimum idle count, r2d2 would replace a taken connection on its worker threads, and
        // a short command (migrate, audit prune) could exit while such a TLS handshake with
        // PostgreSQL is in flight, which crashes libpq/OpenSSL at exit (seen as SIGSEGV).
        // `Database::connect` checks out one connection itself to fail fast.
        .min_idle(Some(0))
        .connection_timeout(config.connect_timeout)
        .connection_customizer(Box::new(customizer))
        .event_handler(waits.handler())
        .build(AnyConnectionManager { target })?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    use super::*;

    #[derive(diesel::QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = BigInt)]
        cache_size: i64,
    }

    #[derive(diesel::QueryableByName)]
    struct MmapSize {
        #[diesel(sql_type = BigInt)]
        mmap_size: i64,
    }

    #[test]
    fn sqlite_connections_get_the_configured_cache_and_map() {
        let dir = std::env::temp_dir().join(format!("mini-xdr-pool-{}", uuid::Uuid::new_v4()));
        let path = dir.join("x.db");
        let config = DatabaseConfig {
            sqlite_cache_kib: 2048,
            sqlite_mmap_mib: 0,
            ..DatabaseConfig::new(format!("sqlite://{}", path.display()))
        };
        let waits = std::sync::Arc::new(PoolWaits::default());
        let pool = build(&config, Target::Sqlite(path), &waits).unwrap();
        let mut conn = pool.get().unwrap();
        let AnyConnection::Sqlite(conn) = &mut *conn else {
            panic!("a SQLite connection");
        };
        let cache = diesel::sql_query("PRAGMA cache_size").get_result::<CacheSize>(conn);
        assert_eq!(cache.unwrap().cache_size, -2048, "KiB, as a negative count");
        let mmap = diesel::sql_query("PRAGMA mmap_size").get_result::<MmapSize>(conn);
        assert_eq!(mmap.unwrap().mmap_size, 0);
        drop(pool);
        let _ = std::fs::remove_dir_all(dir);
    }
}
