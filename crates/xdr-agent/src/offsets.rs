//! `offsets.json` in the state dir: for each followed file (keyed by its kind and path), the
//! identity of the file and the offset of its next unread line. Saved only after every line
//! before that offset is either in a fsynced spool file or was skipped.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil::atomic_write;
use crate::tail::Position;

pub const OFFSETS_FILE: &str = "offsets.json";

#[derive(Debug)]
pub struct Offsets {
    path: PathBuf,
    saved: BTreeMap<String, Position>,
}

impl Offsets {
    /// Reads the saved offsets (none if the file is missing or unreadable: a broken file
    /// means starting over from the end of each log, which is logged).
    pub fn load(state_dir: &Path) -> Self {
        let path = state_dir.join(OFFSETS_FILE);
        let saved = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable offsets");
                BTreeMap::new()
            }),
            Err(_) => BTreeMap::new(),
        };
        Self { path, saved }
    }

    pub fn get(&self, key: &str) -> Option<Position> {
        self.saved.get(key).copied()
    }

    /// Saves `current` if it differs from what is on disk.
    pub fn save<'a>(
        &mut self,
        current: impl IntoIterator<Item = (&'a str, Position)>,
    ) -> io::Result<bool> {
        let mut next = self.saved.clone();
        for (key, position) in current {
            next.insert(key.to_owned(), position);
        }
        if next == self.saved {
            return Ok(false);
        }
        let bytes = serde_json::to_vec_pretty(&next).map_err(io::Error::other)?;
        atomic_write(&self.path, &bytes)?;
        self.saved = next;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::tail::FileId;
    use crate::testdir::TestDir;

    #[test]
    fn offsets_survive_a_reload_and_unchanged_ones_are_not_rewritten() {
        let dir = TestDir::new("offsets");
        let mut offsets = Offsets::load(dir.path());
        let p = Position {
            file: Some(FileId { dev: 1, ino: 2 }),
            offset: 42,
        };
        assert!(offsets.save([("cowrie:/x", p)]).unwrap());
        assert!(!offsets.save([("cowrie:/x", p)]).unwrap());
        assert_eq!(Offsets::load(dir.path()).get("cowrie:/x"), Some(p));
        assert_eq!(Offsets::load(dir.path()).get("auth:/x"), None);
    }
}
