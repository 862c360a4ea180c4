//! Filtering and keyset paging of audit entries (newest first).

use chrono::{DateTime, Utc};

use super::action::AuditAction;
use super::entry::AuditEntry;
use crate::ids::UserId;

pub const DEFAULT_PAGE_SIZE: usize = 50;
pub const MAX_PAGE_SIZE: usize = 500;

/// Every set field must match. `since` is inclusive, `until` exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor_id: Option<UserId>,
    pub resource_type: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// Where the next page starts: entries strictly older (lower chain position) than this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub before_seq: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next: Option<AuditCursor>,
}

impl AuditPage {
    /// Builds a page from up to `limit + 1` rows fetched newest first: the extra row only
    /// tells that another page exists.
    pub fn from_rows(mut rows: Vec<AuditEntry>, limit: usize) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(|e| AuditCursor { before_seq: e.seq })
        } else {
            None
        };
        AuditPage { items: rows, next }
    }
}

/// `requested` clamped to 1..=[`MAX_PAGE_SIZE`], [`DEFAULT_PAGE_SIZE`] when absent.
pub fn page_size(requested: Option<usize>) -> usize {
    requested
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_clamped() {
        assert_eq!(page_size(None), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(10_000)), MAX_PAGE_SIZE);
        assert_eq!(page_size(Some(7)), 7);
    }
}
