//! Following one log file by polling: complete lines only (a partial last line waits for its
//! newline), rotation (the path names another file: the old one is read to its end, then the
//! new one from its start) and truncation (the file got shorter than what was read: start
//! again at 0). Where it stands is a [`Position`] (file identity + offset of the next unread
//! line) that the caller saves and hands back after a restart.

use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tracing::{debug, info, warn};

/// Bytes read at a time.
const CHUNK: usize = 16 * 1024;
/// A line longer than this is skipped (no parser keeps that much of a line anyway).
pub const MAX_LINE: usize = 64 * 1024;
/// Bytes read per file per poll, so that a backlog never starves the rest of the agent.
pub const READ_BUDGET: usize = 1024 * 1024;

/// Which file a path named (device and inode on unix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileId {
    pub dev: u64,
    pub ino: u64,
}

#[cfg(unix)]
fn file_id(meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some(FileId {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

#[cfg(not(unix))]
fn file_id(_meta: &Metadata) -> Option<FileId> {
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub file: Option<FileId>,
    pub offset: u64,
}

/// Where to begin in a file that was there before the agent first looked at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    End,
    Beginning,
}

#[derive(Debug)]
pub struct Tailer {
    path: PathBuf,
    file: Option<File>,
    id: Option<FileId>,
    /// Bytes read but not yet returned as lines start at `buf[head]`, file offset `offset`.
    buf: Vec<u8>,
    head: usize,
    offset: u64,
    read_pos: u64,
    discarding: bool,
    /// Where to open the file the next time (taken once).
    resume: Option<Position>,
    start: Start,
    rotation_seen: bool,
    budget: usize,
    skipped_long: u64,
}

impl Tailer {
    /// Follows `path` from `saved`, or (never seen before) from `start`, as of now: the file
    /// is opened at once when it exists.
    pub fn new(path: &Path, saved: Option<Position>, start: Start) -> Self {
        let mut tailer = Self {
            path: path.to_owned(),
            file: None,
            id: None,
            buf: Vec::new(),
            head: 0,
            offset: 0,
            read_pos: 0,
            discarding: false,
            resume: saved,
            start,
            rotation_seen: false,
            budget: READ_BUDGET,
            skipped_long: 0,
        };
        if let Err(e) = tailer.open() {
            // Reported by the first read, which tries again.
            debug!(path = %path.display(), error = %e, "cannot open yet");
        }
        tailer
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Just after the last line returned (what is safe to save once those lines are kept).
    pub fn position(&self) -> Position {
        Position {
            file: self.id,
            offset: self.offset,
        }
    }

    /// Lines skipped because they were longer than [`MAX_LINE`].
    pub fn skipped_long(&self) -> u64 {
        self.skipped_long
    }

    /// Allows another [`READ_BUDGET`] of reading (call once per poll).
    pub fn refill(&mut self) {
        self.budget = READ_BUDGET;
    }

    fn open(&mut self) -> io::Result<bool> {
        let mut file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if self.start == Start::End {
                    debug!(path = %self.path.display(), "waiting for the file to appear");
                }
                // A file that appears later is new: all of it is read.
                self.start = Start::Beginning;
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        let id = file_id(&meta);
        let at = match self.resume.take() {
            // The same file, unless it got shorter (truncated while the agent was away).
            Some(saved) if saved.file == id && meta.len() >= saved.offset => saved.offset,
            // Truncated, or another file (rotated while the agent was away): from its start.
            Some(_) => 0,
            None if self.start == Start::End => meta.len(),
            None => 0,
        };
        file.seek(SeekFrom::Start(at))?;
        info!(path = %self.path.display(), offset = at, "following");
        self.file = Some(file);
        self.id = id;
        self.reset_at(at);
        self.start = Start::Beginning;
        Ok(true)
    }

    fn reset_at(&mut self, at: u64) {
        self.buf.clear();
        self.buf.shrink_to(2 * CHUNK);
        self.head = 0;
        self.offset = at;
        self.read_pos = at;
        self.discarding = false;
        self.rotation_seen = false;
    }

    fn take_line(&mut self, len: usize) -> String {
        let mut line = &self.buf[self.head..self.head + len];
        if let Some(stripped) = line.strip_suffix(b"\r") {
            line = stripped;
        }
        String::from_utf8_lossy(line).into_owned()
    }

    /// The next complete line, or `None` until more is written (or the budget is spent).
    pub fn next_line(&mut self) -> io::Result<Option<String>> {
        loop {
            if self.file.is_none() && !self.open()? {
                return Ok(None);
            }
            let pending = &self.buf[self.head..];
            if let Some(i) = pending.iter().position(|&b| b == b'\n') {
                if i > MAX_LINE && !self.discarding {
                    self.skip_long();
                    self.discarding = true;
                }
                let line = (!self.discarding).then(|| self.take_line(i));
                self.head += i + 1;
                self.offset += (i + 1) as u64;
                self.discarding = false;
                match line {
                    Some(line) => return Ok(Some(line)),
                    None => continue,
                }
            }
            self.buf.drain(..self.head);
            self.head = 0;
            if self.buf.len() > MAX_LINE {
                if !self.discarding {
                    self.skip_long();
                }
                self.offset += self.buf.len() as u64;
                self.buf.clear();
                self.discarding = true;
            }
            if self.budget == 0 {
                return Ok(None);
            }
            let n = self.read_chunk()?;
            if n > 0 {
                self.budget = self.budget.saturating_sub(n);
                continue;
            }
            match self.at_end()? {
                AtEnd::Wait => return Ok(None),
                AtEnd::ReadAgain => continue,
                AtEnd::LastLine(line) => return Ok(Some(line)),
            }
        }
    }

    fn skip_long(&mut self) {
        warn!(path = %self.path.display(), "skipping a line longer than {MAX_LINE} bytes");
        self.skipped_long += 1;
    }

    fn read_chunk(&mut self) -> io::Result<usize> {
        let Some(file) = self.file.as_mut() else {
            return Ok(0);
        };
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = match file.read(&mut self.buf[len..]) {
            Ok(n) => n,
            Err(e) => {
                self.buf.truncate(len);
                return Err(e);
            }
        };
        self.buf.truncate(len + n);
        self.read_pos += n as u64;
        Ok(n)
    }

    /// At the end of the open file: checks for truncation and rotation (closing the old file
    /// to switch to the new one).
    fn at_end(&mut self) -> io::Result<AtEnd> {
        let Some(file) = self.file.as_mut() else {
            return Ok(AtEnd::ReadAgain);
        };
        if file.metadata()?.len() < self.read_pos {
            info!(path = %self.path.display(), "file truncated: reading it again from the start");
            file.seek(SeekFrom::Start(0))?;
            self.reset_at(0);
            return Ok(AtEnd::ReadAgain);
        }
        let now_named = match std::fs::metadata(&self.path) {
            Ok(meta) => file_id(&meta),
            // Renamed and not yet re-created: keep reading the old one.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(AtEnd::Wait),
            Err(e) => return Err(e),
        };
        if now_named == self.id {
            return Ok(AtEnd::Wait);
        }
        if !self.rotation_seen {
            // Give a writer that still has the old file open one more poll to finish.
            self.rotation_seen = true;
            return Ok(AtEnd::Wait);
        }
        info!(path = %self.path.display(), "file rotated: following the new one");
        let last = (!self.buf.is_empty() && !self.discarding).then(|| {
            let len = self.buf.len() - self.head;
            let line = self.take_line(len);
            self.offset += len as u64;
            line
        });
        self.file = None;
        self.buf.clear();
        self.head = 0;
        self.resume = None;
        self.start = Start::Beginning;
        Ok(last.map_or(AtEnd::ReadAgain, AtEnd::LastLine))
    }
}

/// What to do at the end of the open file.
#[derive(Debug)]
enum AtEnd {
    /// Nothing more for now.
    Wait,
    /// Truncated, or switched to a rotated file's successor: read on.
    ReadAgain,
    /// The unterminated last line of a rotated file.
    LastLine(String),
}

#[cfg(test)]
#[path = "tail_tests.rs"]
mod tests;
