//! What a pool's callers waited: r2d2 reports every checkout (with the time it took, opening a
//! connection included) and every timeout to the pool's event handler; this one counts them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel::r2d2::{HandleEvent, event};
use xdr_domain::telemetry::{Histogram, PoolSnapshot};

use crate::pool::AnyPool;

/// The waits of one pool; shared by the pool's event handler and the `Database` that reads it.
#[derive(Debug, Default)]
pub(crate) struct PoolWaits {
    wait: Histogram,
    timeouts: AtomicU64,
}

impl PoolWaits {
    /// The handler to give the pool's builder.
    pub(crate) fn handler(self: &Arc<Self>) -> Box<dyn HandleEvent> {
        Box::new(WaitRecorder(Arc::clone(self)))
    }

    pub(crate) fn snapshot(&self, name: &'static str, pool: &AnyPool) -> PoolSnapshot {
        let state = pool.state();
        PoolSnapshot {
            pool: name,
            max_size: pool.max_size(),
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            wait: self.wait.snapshot(),
            timeouts: self.timeouts.load(Ordering::Relaxed),
        }
    }
}

#[derive(Debug)]
struct WaitRecorder(Arc<PoolWaits>);

impl HandleEvent for WaitRecorder {
    fn handle_checkout(&self, event: event::CheckoutEvent) {
        self.0.wait.observe(event.duration());
    }

    fn handle_timeout(&self, _event: event::TimeoutEvent) {
        self.0.timeouts.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use xdr_domain::telemetry::PoolStats;

    use crate::{Database, DatabaseConfig};

    #[test]
    fn checkouts_are_counted_and_connections_seen() {
        let dir = std::env::temp_dir().join(format!(
            "mini-xdr-pool-stats-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let url = format!("sqlite://{}", dir.join("p.db").display());
        let db = Database::connect(&DatabaseConfig::new(url)).unwrap();
        let main = db
            .pool_snapshots()
            .into_iter()
            .find(|p| p.pool == "main")
            .unwrap();
        assert!(main.wait.count() >= 1, "connect checks one connection out");
        assert_eq!(main.in_use, 0);
        assert_eq!(main.idle, 1, "the connection went back to the pool");
        assert_eq!(main.timeouts, 0);
        let names: Vec<_> = db.pool_snapshots().iter().map(|p| p.pool).collect();
        assert_eq!(names, ["main", "sqlite_writer"]);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
