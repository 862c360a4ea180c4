//! `[events]`: retention of stored events, applied in small batches by `mini-xdr serve` in the
//! background and by `mini-xdr events prune`.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::ConfigError;
use super::webhooks::check;

/// A hundred years: anything longer is a typo for "forever" (leave the key unset for that).
pub const RETENTION_DAYS_RANGE: RangeInclusive<u32> = 1..=36_500;
pub const PRUNE_INTERVAL_SECONDS_RANGE: RangeInclusive<u64> = 60..=86_400;
pub const PRUNE_BATCH_SIZE_RANGE: RangeInclusive<u32> = 1..=10_000;
pub const PRUNE_PAUSE_MS_RANGE: RangeInclusive<u64> = 0..=60_000;
pub const DEFAULT_PRUNE_INTERVAL_SECONDS: u64 = 3600;
/// A batch of this many deletes in a few milliseconds on SQLite (docs/benchmarks.md, "Event
/// retention"): the longest an ingest waits for the writer because of pruning.
pub const DEFAULT_PRUNE_BATCH_SIZE: u32 = 200;
pub const DEFAULT_PRUNE_PAUSE_MS: u64 = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventSettings {
    /// Days events are kept after they were received; unset keeps them forever (no background
    /// pruning, and `events prune` needs `--older-than-days`).
    pub retention_days: Option<u32>,
    /// How often `serve` looks for events past their retention.
    pub prune_interval_seconds: u64,
    /// Events deleted per batch (one short transaction each).
    pub prune_batch_size: u32,
    /// Pause between two batches, leaving the database to ingest.
    pub prune_pause_ms: u64,
}

impl Default for EventSettings {
    fn default() -> Self {
        Self {
            retention_days: None,
            prune_interval_seconds: DEFAULT_PRUNE_INTERVAL_SECONDS,
            prune_batch_size: DEFAULT_PRUNE_BATCH_SIZE,
            prune_pause_ms: DEFAULT_PRUNE_PAUSE_MS,
        }
    }
}

impl EventSettings {
    pub fn prune_interval(&self) -> Duration {
        Duration::from_secs(self.prune_interval_seconds)
    }

    pub fn prune_pause(&self) -> Duration {
        Duration::from_millis(self.prune_pause_ms)
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if let Some(days) = self.retention_days {
            check("events.retention_days", days, RETENTION_DAYS_RANGE)?;
        }
        check(
            "events.prune_interval_seconds",
            self.prune_interval_seconds,
            PRUNE_INTERVAL_SECONDS_RANGE,
        )?;
        check(
            "events.prune_batch_size",
            self.prune_batch_size,
            PRUNE_BATCH_SIZE_RANGE,
        )?;
        check(
            "events.prune_pause_ms",
            self.prune_pause_ms,
            PRUNE_PAUSE_MS_RANGE,
        )
    }
}
