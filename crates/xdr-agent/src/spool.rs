//! The bounded on-disk buffer. Each batch is one file in `spool/`, named
//! `<sequence>-<events>-<batch_id>.json` and holding the exact body of its
//! `POST /agents/events`; it is written under a temporary name, fsynced and renamed, so a
//! listed file is always whole. Files are sent oldest first and deleted after the server took
//! them. When the total passes the cap, the oldest files go first and their events are added
//! to `dropped_events`, which is kept in `counters.json` and reported in heartbeats.

use std::collections::VecDeque;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::warn;
use uuid::Uuid;

use crate::fsutil::{atomic_write, create_private_dir, create_private_file, sync_dir};
use crate::wire::events_body;

const EXTENSION: &str = "json";

/// One spooled batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub batch_id: Uuid,
    pub events: u64,
    pub bytes: u64,
    pub path: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Counters {
    dropped_events: u64,
}

#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    counters_path: PathBuf,
    max_bytes: u64,
    entries: VecDeque<Entry>,
    total_bytes: u64,
    next_seq: u64,
    in_flight: Option<u64>,
    counters: Counters,
}

fn parse_name(path: &Path) -> Option<(u64, u64, Uuid)> {
    if path.extension()? != EXTENSION {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    let mut parts = stem.splitn(3, '-');
    let seq = parts.next()?.parse().ok()?;
    let events = parts.next()?.parse().ok()?;
    let batch_id = parts.next()?.parse().ok()?;
    Some((seq, events, batch_id))
}

impl Spool {
    /// Opens (creating) the spool in `dir`, with its dropped count in `counters_path`.
    pub fn open(dir: &Path, counters_path: &Path, max_bytes: u64) -> io::Result<Self> {
        create_private_dir(dir)?;
        let mut entries = Vec::new();
        for item in fs::read_dir(dir)? {
            let path = item?.path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                // A write that a crash interrupted: its lines were not yet committed.
                let _ = fs::remove_file(&path);
                continue;
            }
            match parse_name(&path) {
                Some((seq, events, batch_id)) => {
                    let bytes = fs::metadata(&path)?.len();
                    entries.push(Entry {
                        seq,
                        batch_id,
                        events,
                        bytes,
                        path,
                    });
                }
                None => warn!(path = %path.display(), "ignoring a stray file in the spool"),
            }
        }
        entries.sort_by_key(|e| e.seq);
        let counters = match fs::read(counters_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
            Err(_) => Counters::default(),
        };
        let mut spool = Self {
            dir: dir.to_owned(),
            counters_path: counters_path.to_owned(),
            max_bytes,
            next_seq: entries.last().map_or(1, |e| e.seq + 1),
            total_bytes: entries.iter().map(|e| e.bytes).sum(),
            entries: entries.into(),
            in_flight: None,
            counters,
        };
        spool.enforce_cap()?;
        Ok(spool)
    }

    /// Writes a batch durably (fsynced before this returns) and applies the cap.
    pub fn push(&mut self, batch_id: Uuid, events: &[String]) -> io::Result<Entry> {
        let body = events_body(batch_id, events);
        let name = format!(
            "{:020}-{}-{}.{EXTENSION}",
            self.next_seq,
            events.len(),
            batch_id
        );
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(".{batch_id}.tmp"));
        {
            use std::io::Write;
            let mut file = create_private_file(&temp)?;
            file.write_all(&body)?;
            file.sync_all()?;
        }
        fs::rename(&temp, &path)?;
        sync_dir(&self.dir)?;
        let entry = Entry {
            seq: self.next_seq,
            batch_id,
            events: events.len() as u64,
            bytes: body.len() as u64,
            path,
        };
        self.next_seq += 1;
        self.total_bytes += entry.bytes;
        self.entries.push_back(entry.clone());
        // The batch is safe on disk: a failure to make room is logged, not returned (the
        // caller must not write the batch again).
        if let Err(e) = self.enforce_cap() {
            warn!(error = %e, "cannot drop old batches to keep the spool within its cap");
        }
        Ok(entry)
    }

    /// Drops the oldest batches (never the one being sent) until the total fits the cap.
    fn enforce_cap(&mut self) -> io::Result<()> {
        while self.total_bytes > self.max_bytes {
            let Some(index) = self
                .entries
                .iter()
                .position(|e| Some(e.seq) != self.in_flight)
            else {
                break;
            };
            if let Some(entry) = self.entries.get(index).cloned() {
                warn!(batch_id = %entry.batch_id, events = entry.events,
                    "spool full: dropping its oldest batch");
                self.forget(&entry, true)?;
            }
        }
        Ok(())
    }

    fn forget(&mut self, entry: &Entry, dropped: bool) -> io::Result<()> {
        if dropped {
            self.counters.dropped_events += entry.events;
            // Counted even if the count cannot be saved (it is saved with the next drop).
            let saved = serde_json::to_vec(&self.counters)
                .map_err(io::Error::other)
                .and_then(|bytes| atomic_write(&self.counters_path, &bytes));
            if let Err(e) = saved {
                warn!(error = %e, "cannot save the dropped-events count");
            }
        }
        match fs::remove_file(&entry.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let Some(index) = self.entries.iter().position(|e| e.seq == entry.seq) {
            self.entries.remove(index);
            self.total_bytes = self.total_bytes.saturating_sub(entry.bytes);
        }
        if self.in_flight == Some(entry.seq) {
            self.in_flight = None;
        }
        Ok(())
    }

    /// The oldest batch and its body, marked as being sent (the cap leaves it alone).
    pub fn begin_send(&mut self) -> io::Result<Option<(Entry, Vec<u8>)>> {
        while let Some(entry) = self.entries.front().cloned() {
            match fs::read(&entry.path) {
                Ok(body) => {
                    self.in_flight = Some(entry.seq);
                    return Ok(Some((entry, body)));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => self.forget(&entry, true)?,
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// The server took the batch.
    pub fn complete(&mut self, entry: &Entry) -> io::Result<()> {
        self.forget(entry, false)
    }

    /// The server refused the batch for good: it is dropped and counted.
    pub fn discard(&mut self, entry: &Entry) -> io::Result<()> {
        self.forget(entry, true)
    }

    /// Sending failed for now: the batch stays, first in line.
    pub fn release(&mut self) {
        self.in_flight = None;
    }

    pub fn buffered_events(&self) -> u64 {
        self.entries.iter().map(|e| e.events).sum()
    }

    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn dropped_events(&self) -> u64 {
        self.counters.dropped_events
    }
}

#[cfg(test)]
#[path = "spool_tests.rs"]
mod tests;
