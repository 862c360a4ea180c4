//! A short-lived cache of session checks, so that each request does not hit the database.
//!
//! Entries live at most `ttl` (≤ 1 s). This process drops entries as soon as it ends a session,
//! so logout is immediate here and takes effect within `ttl` on other processes.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use xdr_domain::{SessionId, UserId};

/// Above this many entries, expired ones are swept before inserting.
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    user_id: UserId,
    checked_at: Instant,
}

/// Remembers sessions recently found active. Revoked or unknown sessions are never cached.
#[derive(Debug)]
pub struct SessionCache {
    ttl: Duration,
    entries: RwLock<HashMap<SessionId, Entry>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// True when `session` of `user` was found active less than `ttl` ago.
    pub fn is_fresh(&self, session: SessionId, user: UserId) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries
            .get(&session)
            .is_some_and(|e| e.user_id == user && e.checked_at.elapsed() < self.ttl)
    }

    pub fn remember(&self, session: SessionId, user: UserId) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= SWEEP_THRESHOLD {
            let ttl = self.ttl;
            entries.retain(|_, e| e.checked_at.elapsed() < ttl);
        }
        let entry = Entry {
            user_id: user,
            checked_at: Instant::now(),
        };
        entries.insert(session, entry);
    }

    pub fn forget(&self, session: SessionId) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.remove(&session);
    }

    pub fn forget_user(&self, user: UserId) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| e.user_id != user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_then_forgets() {
        let cache = SessionCache::new(Duration::from_secs(1));
        let (s, u) = (SessionId::generate(), UserId::generate());
        assert!(!cache.is_fresh(s, u));
        cache.remember(s, u);
        assert!(cache.is_fresh(s, u));
        assert!(!cache.is_fresh(s, UserId::generate()), "bound to its user");
        cache.forget(s);
        assert!(!cache.is_fresh(s, u));
    }

    #[test]
    fn forget_user_drops_all_their_sessions() {
        let cache = SessionCache::new(Duration::from_secs(1));
        let u = UserId::generate();
        let other = UserId::generate();
        let (a, b, c) = (
            SessionId::generate(),
            SessionId::generate(),
            SessionId::generate(),
        );
        cache.remember(a, u);
        cache.remember(b, u);
        cache.remember(c, other);
        cache.forget_user(u);
        assert!(!cache.is_fresh(a, u) && !cache.is_fresh(b, u));
        assert!(cache.is_fresh(c, other));
    }

    #[test]
    fn entries_expire() {
        let cache = SessionCache::new(Duration::from_millis(20));
        let (s, u) = (SessionId::generate(), UserId::generate());
        cache.remember(s, u);
        std::thread::sleep(Duration::from_millis(30));
        assert!(!cache.is_fresh(s, u));
    }

    #[test]
    fn zero_ttl_disables_caching() {
        let cache = SessionCache::new(Duration::ZERO);
        let (s, u) = (SessionId::generate(), UserId::generate());
        cache.remember(s, u);
        assert!(!cache.is_fresh(s, u));
    }
}
