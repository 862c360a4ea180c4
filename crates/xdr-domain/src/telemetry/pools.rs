//! The database connection pools as the storage adapter sees them (a port: the HTTP side
//! reads it without knowing the adapter).

use super::HistogramSnapshot;

/// One pool at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSnapshot {
    /// `main`, or `sqlite_writer` for SQLite's one writer connection.
    pub pool: &'static str,
    pub max_size: u32,
    pub in_use: u32,
    pub idle: u32,
    /// Time callers waited for a connection (checkouts that got one).
    pub wait: HistogramSnapshot,
    /// Callers that gave up waiting (the connect timeout passed).
    pub timeouts: u64,
}

/// Reads the pools' state; cheap and without I/O (safe to call on an async worker).
pub trait PoolStats: Send + Sync {
    fn pool_snapshots(&self) -> Vec<PoolSnapshot>;
}
