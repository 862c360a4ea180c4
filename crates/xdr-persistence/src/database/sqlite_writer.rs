//! SQLite's one writer of this process: a pool of one connection that every read-modify-write
//! transaction of a `Database` takes in turn.
//!
//! SQLite allows one write transaction per database. Two things follow from giving writes a
//! connection of their own instead of any pooled one:
//! * writers queue here, in this process, and the next one starts the moment the previous one
//!   returns the connection. SQLite's busy handler would instead poll with growing sleeps,
//!   leaving the lock unused while the next writer sleeps;
//! * the writer's page cache stays valid. A SQLite connection drops its whole cache whenever
//!   another connection wrote since its last transaction, so with writes spread over the pool
//!   every ingest began by reading its B-tree pages again.
//!
//! SQLite's own lock still guards against other processes on the same file. PostgreSQL has
//! no such writer: its transactions run concurrently.

use std::sync::Arc;

use diesel::r2d2::PoolError;
use xdr_domain::RepoError;
use xdr_domain::telemetry::PoolSnapshot;

use crate::config::{DatabaseConfig, Target};
use crate::error::PersistenceError;
use crate::pool::{self, AnyPool, AnyPooledConnection};
use crate::pool_stats::PoolWaits;

#[derive(Clone)]
pub(crate) struct SqliteWriter {
    pool: AnyPool,
    waits: Arc<PoolWaits>,
}

impl SqliteWriter {
    /// Waiting for the writer is bounded like waiting for SQLite's lock: `sqlite_busy_timeout`.
    pub(crate) fn open(config: &DatabaseConfig, target: Target) -> Result<Self, PersistenceError> {
        let config = DatabaseConfig {
            pool_size: 1,
            connect_timeout: config.sqlite_busy_timeout,
            ..config.clone()
        };
        let waits = Arc::default();
        Ok(Self {
            pool: pool::build(&config, target, &waits)?,
            waits,
        })
    }

    /// The writer as a pool of one: who holds it, and what waiting for it cost.
    pub(crate) fn snapshot(&self) -> PoolSnapshot {
        self.waits.snapshot("sqlite_writer", &self.pool)
    }

    /// The writer connection, once the previous writer has returned it.
    pub(crate) fn connection(&self) -> Result<AnyPooledConnection, RepoError> {
        self.pool.get().map_err(busy)
    }
}

fn busy(e: PoolError) -> RepoError {
    RepoError::Unavailable(format!(
        "database is busy: another write did not finish in time ({e})"
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use diesel::connection::SimpleConnection;

    use super::*;
    use crate::Database;
    use crate::error::db_error;

    fn sqlite(busy_timeout: Duration) -> (Database, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("mini-xdr-writer-{}", uuid::Uuid::new_v4().simple()));
        let mut config = DatabaseConfig::new(format!("sqlite://{}", dir.join("w.db").display()));
        config.sqlite_busy_timeout = busy_timeout;
        (Database::connect(&config).unwrap(), dir)
    }

    #[test]
    fn one_writer_at_a_time() {
        let (db, dir) = sqlite(Duration::from_secs(10));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (db, inside, most) = (db.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..25 {
                        db.untenanted_write(|_| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn waiting_longer_than_the_busy_timeout_is_unavailable() {
        let (db, dir) = sqlite(Duration::from_millis(50));
        let (entered, wait) = std::sync::mpsc::channel();
        let holder = {
            let db = db.clone();
            std::thread::spawn(move || {
                db.untenanted_write(|_| {
                    entered.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(500));
                    Ok(())
                })
            })
        };
        wait.recv().unwrap();
        let second = db.untenanted_write(|_| Ok(()));
        assert!(matches!(second, Err(RepoError::Unavailable(m)) if m.contains("busy")));
        holder.join().unwrap().unwrap();
        // Free again once the first writer finished.
        db.untenanted_write(|_| Ok(())).unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn every_write_uses_the_same_connection() {
        let (db, dir) = sqlite(Duration::from_secs(10));
        // A temporary table exists only on the connection that made it.
        db.untenanted_write(|conn| {
            conn.batch_execute("CREATE TEMP TABLE writer_marker (x INTEGER)")
                .map_err(db_error)
        })
        .unwrap();
        for _ in 0..3 {
            db.untenanted(|conn| conn.batch_execute("SELECT 1").map_err(db_error))
                .unwrap();
            db.untenanted_write(|conn| {
                conn.batch_execute("INSERT INTO temp.writer_marker (x) VALUES (1)")
                    .map_err(db_error)
            })
            .unwrap();
        }
        let on_a_reader = db.untenanted(|conn| {
            conn.batch_execute("SELECT x FROM temp.writer_marker")
                .map_err(db_error)
        });
        assert!(on_a_reader.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
