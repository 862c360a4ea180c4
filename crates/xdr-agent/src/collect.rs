//! From followed files to spooled batches. Lines become events in an in-memory batch; a batch
//! is written to the spool (fsynced) when it is full or old enough, and only THEN are the
//! files' offsets saved. A crash therefore never skips a line: at worst, lines after the last
//! saved offset are read and spooled again, and the server's de-duplication by `batch_id`
//! covers resending a spooled batch.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tracing::{debug, warn};
use uuid::Uuid;

use crate::offsets::Offsets;
use crate::source::SourceKind;
use crate::spool::Spool;
use crate::tail::{Start, Tailer};
use crate::wire::WireEvent;

/// The largest batch the server takes.
pub const MAX_BATCH_EVENTS: usize = 1000;
/// A batch is closed once it holds this many bytes of events; one event is at most ~40 KiB,
/// so a body stays well under the server's default limit (1 MiB).
pub const MAX_BATCH_BYTES: usize = 512 * 1024;

#[derive(Debug)]
struct Source {
    kind: SourceKind,
    key: String,
    tailer: Tailer,
    failing: bool,
}

/// Counts since start, for heartbeats and logs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CollectStats {
    pub lines_read: u64,
    pub lines_skipped: u64,
    pub events_spooled: u64,
    pub read_errors: u64,
}

#[derive(Debug)]
pub struct Collector {
    sources: Vec<Source>,
    offsets: Offsets,
    events: Vec<String>,
    bytes: usize,
    first_at: Option<Instant>,
    batch_max: usize,
    stats: CollectStats,
}

impl Collector {
    pub fn new(
        files: &[(SourceKind, PathBuf)],
        offsets: Offsets,
        start: Start,
        batch_max: usize,
    ) -> Self {
        let sources = files
            .iter()
            .map(|(kind, path)| {
                let key = kind.key(path);
                let tailer = Tailer::new(path, offsets.get(&key), start);
                Source {
                    kind: *kind,
                    key,
                    tailer,
                    failing: false,
                }
            })
            .collect();
        Self {
            sources,
            offsets,
            events: Vec::new(),
            bytes: 0,
            first_at: None,
            batch_max: batch_max.clamp(1, MAX_BATCH_EVENTS),
            stats: CollectStats::default(),
        }
    }

    pub fn stats(&self) -> CollectStats {
        self.stats
    }

    /// Events read but not yet spooled.
    pub fn pending_events(&self) -> usize {
        self.events.len()
    }

    pub fn source_count(&self) -> usize {
        self.sources.len()
    }

    /// Whether some file cannot be read at the moment.
    pub fn degraded(&self) -> bool {
        self.sources.iter().any(|s| s.failing)
    }

    fn full(&self) -> bool {
        self.events.len() >= self.batch_max || self.bytes >= MAX_BATCH_BYTES
    }

    /// Reads what the files have, spooling each batch that fills up, then the current one if
    /// it is older than `flush_after`. Returns how many batches went to the spool.
    pub fn poll(&mut self, spool: &mut Spool, flush_after: Duration) -> io::Result<usize> {
        let mut spooled = 0;
        if self.full() {
            // A flush failed before (disk full?): read nothing more until it works.
            spooled += usize::from(self.flush(spool)?);
        }
        for index in 0..self.sources.len() {
            spooled += self.poll_source(index, spool)?;
        }
        let due = self.first_at.is_some_and(|t| t.elapsed() >= flush_after);
        if due || self.events.is_empty() {
            spooled += usize::from(self.flush(spool)?);
        }
        Ok(spooled)
    }

    fn poll_source(&mut self, index: usize, spool: &mut Spool) -> io::Result<usize> {
        let mut spooled = 0;
        self.sources[index].tailer.refill();
        loop {
            let source = &mut self.sources[index];
            let line = match source.tailer.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    if !source.failing {
                        warn!(path = %source.tailer.path().display(), error = %e, "cannot read");
                    }
                    source.failing = true;
                    self.stats.read_errors += 1;
                    break;
                }
            };
            source.failing = false;
            self.stats.lines_read += 1;
            let event = match source.kind.parse(&line) {
                Ok(event) => event,
                Err(e) => {
                    debug!(kind = source.kind.name(), error = %e, "line skipped");
                    self.stats.lines_skipped += 1;
                    continue;
                }
            };
            let json = serde_json::to_string(&WireEvent::from(event)).map_err(io::Error::other)?;
            // The line is in the batch before any flush saves the position after it.
            self.bytes += json.len() + 1;
            self.events.push(json);
            self.first_at.get_or_insert_with(Instant::now);
            if self.full() {
                spooled += usize::from(self.flush(spool)?);
            }
        }
        Ok(spooled)
    }

    /// Spools the current batch (if any), then saves every file's offset. On an error the
    /// batch stays in memory and the offsets stay as they were.
    pub fn flush(&mut self, spool: &mut Spool) -> io::Result<bool> {
        let spooled = if self.events.is_empty() {
            false
        } else {
            let entry = spool.push(Uuid::new_v4(), &self.events)?;
            debug!(batch_id = %entry.batch_id, events = entry.events, "batch spooled");
            self.stats.events_spooled += entry.events;
            self.events.clear();
            self.events.shrink_to(self.batch_max.min(64));
            self.bytes = 0;
            self.first_at = None;
            true
        };
        let positions = self
            .sources
            .iter()
            .map(|s| (s.key.as_str(), s.tailer.position()));
        self.offsets.save(positions)?;
        Ok(spooled)
    }
}

#[cfg(test)]
#[path = "collect_tests.rs"]
mod tests;
