//! The password hasher's queue: how many jobs wait for one of its bounded slots, and for how
//! long.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::Histogram;

#[derive(Debug, Default)]
pub struct HashingTelemetry {
    waiting: AtomicU64,
    wait: Histogram,
}

/// Counts one waiting job until dropped (also when the waiting request is cancelled).
#[derive(Debug)]
pub struct Waiting<'a> {
    telemetry: &'a HashingTelemetry,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.telemetry.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

impl HashingTelemetry {
    /// A job starts waiting for a slot.
    pub fn enqueue(&self) -> Waiting<'_> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Waiting { telemetry: self }
    }

    /// A job got its slot after `waited`.
    pub fn started(&self, waited: Duration) {
        self.wait.observe(waited);
    }

    pub fn queue_depth(&self) -> u64 {
        self.waiting.load(Ordering::Relaxed)
    }

    pub fn wait(&self) -> &Histogram {
        &self.wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_the_guards() {
        let t = HashingTelemetry::default();
        let a = t.enqueue();
        let b = t.enqueue();
        assert_eq!(t.queue_depth(), 2);
        drop(a);
        t.started(Duration::from_millis(3));
        assert_eq!(t.queue_depth(), 1);
        drop(b);
        assert_eq!(t.queue_depth(), 0);
        assert_eq!(t.wait().snapshot().count(), 1);
    }
}
