//! Keyset pagination over time-ordered (UUID v7) ids, newest first.

use uuid::Uuid;

pub const DEFAULT_PAGE_LIMIT: usize = 50;
pub const MAX_PAGE_LIMIT: usize = 500;

/// Which page to read: items older than `before` (exclusive), at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub before: Option<Uuid>,
    pub limit: usize,
}

impl PageRequest {
    /// Clamps `limit` to 1..=MAX_PAGE_LIMIT (default when absent).
    pub fn new(before: Option<Uuid>, limit: Option<usize>) -> Self {
        let limit = limit.unwrap_or(DEFAULT_PAGE_LIMIT).clamp(1, MAX_PAGE_LIMIT);
        Self { before, limit }
    }

    /// One more than the page: storage reads this many to learn whether a next page exists.
    pub fn fetch_limit(&self) -> usize {
        self.limit + 1
    }
}

/// A page of items and the id to continue before, if more exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_before: Option<Uuid>,
}

impl<T> Page<T> {
    /// Builds a page from up to `fetch_limit()` rows read newest first.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let more = rows.len() > request.limit;
        rows.truncate(request.limit);
        let next_before = if more { rows.last().map(&id_of) } else { None };
        Self {
            items: rows,
            next_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_clamped() {
        assert_eq!(PageRequest::new(None, None).limit, DEFAULT_PAGE_LIMIT);
        assert_eq!(PageRequest::new(None, Some(0)).limit, 1);
        assert_eq!(PageRequest::new(None, Some(10_000)).limit, MAX_PAGE_LIMIT);
    }

    #[test]
    fn next_cursor_only_when_more_rows_exist() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let req = PageRequest::new(None, Some(2));
        let page = Page::from_rows(ids.clone(), &req, |u| *u);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next_before, Some(ids[1]));
        let last = Page::from_rows(ids[..2].to_vec(), &req, |u| *u);
        assert_eq!(last.next_before, None);
    }
}
