//! Agent credentials as last read, for `agents.credentials_cache_ms` (default 1 s): a signed
//! request then needs no read of its own before its write. As with the session cache, this
//! instance forgets an agent at once when it revokes, unenrolls or re-keys it; other server
//! instances may accept its requests for up to the TTL after that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use xdr_domain::AgentId;
use xdr_domain::ports::AgentCredentials;

/// Entries kept at most; past it, expired ones go, then everything.
const MAX_ENTRIES: usize = 50_000;

/// What `AgentService` keeps.
pub(super) type CredentialsCache = TtlCache<Arc<AgentCredentials>>;

#[derive(Debug)]
pub(super) struct TtlCache<V> {
    ttl: Duration,
    entries: Mutex<HashMap<AgentId, (Instant, V)>>,
}

impl<V: Clone> TtlCache<V> {
    pub(super) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::default(),
        }
    }

    pub(super) fn get(&self, id: AgentId) -> Option<V> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&id)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, c)| c.clone())
    }

    pub(super) fn put(&self, id: AgentId, credentials: V) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(id, (Instant::now(), credentials));
    }

    pub(super) fn forget(&self, id: AgentId) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_live_for_the_ttl_and_go_when_forgotten() {
        let cache = TtlCache::new(Duration::from_millis(200));
        let (a, b) = (AgentId::generate(), AgentId::generate());
        cache.put(a, "a");
        cache.put(b, "b");
        assert_eq!(cache.get(a), Some("a"));
        cache.forget(a);
        assert_eq!(cache.get(a), None, "forgotten at once");
        assert_eq!(cache.get(b), Some("b"));
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(cache.get(b), None, "expired");
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = TtlCache::new(Duration::ZERO);
        let id = AgentId::generate();
        cache.put(id, 1);
        assert_eq!(cache.get(id), None);
    }
}
