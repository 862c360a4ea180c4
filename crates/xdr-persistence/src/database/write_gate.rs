//! One SQLite writer at a time, queued in this process.
//!
//! SQLite allows one write transaction per database. A connection that finds the lock taken
//! waits in SQLite's busy handler, which polls with growing sleeps (up to 100 ms between
//! tries): under concurrent ingest most of the time went into those sleeps while the lock was
//! already free. Read-modify-write transactions of one `Database` therefore queue here first
//! and are woken the moment the previous writer finishes. SQLite's own lock still guards
//! against other processes on the same file. PostgreSQL does not use the gate.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use xdr_domain::RepoError;

#[derive(Debug)]
pub(crate) struct WriteGate {
    taken: Mutex<bool>,
    freed: Condvar,
    /// How long to wait for the gate: as long as SQLite would wait for its lock.
    timeout: Duration,
}

/// Holds the gate; the next writer enters when it drops.
#[derive(Debug)]
pub(crate) struct WritePass<'a> {
    gate: &'a WriteGate,
}

impl WriteGate {
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            taken: Mutex::new(false),
            freed: Condvar::new(),
            timeout,
        }
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.taken.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for the gate, at most the timeout ("unavailable" after it, like a busy database).
    pub(crate) fn enter(&self) -> Result<WritePass<'_>, RepoError> {
        let deadline = Instant::now() + self.timeout;
        let mut taken = self.lock();
        while *taken {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(RepoError::Unavailable(
                    "database is busy: another write did not finish in time".to_owned(),
                ));
            }
            taken = self
                .freed
                .wait_timeout(taken, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        *taken = true;
        Ok(WritePass { gate: self })
    }
}

impl Drop for WritePass<'_> {
    fn drop(&mut self) {
        *self.gate.lock() = false;
        self.gate.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn one_writer_at_a_time() {
        let gate = Arc::new(WriteGate::new(Duration::from_secs(5)));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, inside, most) = (gate.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let _pass = gate.enter().unwrap();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn waiting_longer_than_the_timeout_is_unavailable() {
        let gate = WriteGate::new(Duration::from_millis(20));
        let _held = gate.enter().unwrap();
        assert!(matches!(gate.enter(), Err(RepoError::Unavailable(_))));
    }

    #[test]
    fn the_gate_opens_when_the_pass_drops() {
        let gate = WriteGate::new(Duration::from_millis(20));
        drop(gate.enter().unwrap());
        assert!(gate.enter().is_ok());
    }
}
