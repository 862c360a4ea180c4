//! A short-lived cache of session checks, so that each request does not hit the database.
//!
//! Entries live at most `ttl` (≤ 1 s). This process drops entries as soon as it ends a session,
//! so logout is immediate here and takes effect within `ttl` on other processes. Beside the
//! session checks it keeps the caller's profile (user and organization, as `GET /auth/me` shows
//! them) for the same `ttl`, dropped here as soon as this process changes the user.
//!
//! Refresh ahead: once an entry is half its `ttl` old, the next caller is told to check
//! storage again (and remembers the result) while the others keep using the entry until its
//! `ttl`. Under steady traffic, entries are renewed by one request each instead of expiring for
//! every concurrent request at once (which made a burst of storage reads every `ttl`). The
//! chosen caller holds a [`Refresh`]; should it never remember a result (its storage read failed,
//! or its request was cancelled while it waited), dropping the `Refresh` hands the refresh to the
//! next caller instead of leaving the entry to expire for every caller at once.
//!
//! Forgetting leaves a tombstone for `ttl`: a result whose storage read started before the
//! forget (a request that read the session as active just before a concurrent logout) is not
//! remembered, and neither is one read more than `ttl` ago. Otherwise that request would put
//! the ended session back, and its token would keep working here for another `ttl`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use xdr_domain::identity::{Organization, User};
use xdr_domain::{OrganizationId, SessionId, UserId};

/// A user and their organization, as last read from storage.
pub type Profile = Arc<(User, Organization)>;

/// Above this many entries, expired ones are swept before inserting.
const SWEEP_THRESHOLD: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    user_id: UserId,
    organization_id: OrganizationId,
    checked_at: Instant,
    /// A caller is checking storage again (refresh ahead).
    refreshing: bool,
}

#[derive(Debug, Clone)]
struct ProfileEntry {
    profile: Profile,
    loaded_at: Instant,
    refreshing: bool,
}

/// What a cached entry of age `age` means to the next caller.
#[derive(Debug, PartialEq, Eq)]
enum Use {
    /// Use it.
    Fresh,
    /// Use it, unless nobody is refreshing it yet: then refresh it.
    RefreshDue,
    /// Expired: check storage.
    Expired,
}

fn usable(age: Duration, ttl: Duration, refreshing: bool) -> Use {
    if age >= ttl {
        Use::Expired
    } else if age >= ttl / 2 && !refreshing {
        Use::RefreshDue
    } else {
        Use::Fresh
    }
}

/// What the cache answers for one lookup.
#[derive(Debug)]
pub enum Lookup<'a, T> {
    /// Use this.
    Hit(T),
    /// Read storage and remember what it says. `Some` for the one caller chosen to refresh an
    /// entry ahead of its expiry: hold it until the result is remembered.
    Miss(Option<Refresh<'a>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Session(SessionId),
    Profile(UserId),
    /// Every session and the profile of a user (tombstones only).
    User(UserId),
}

/// The refresh of one entry by the caller holding it. Dropped, it clears the entry's
/// "refreshing" mark unless the entry was replaced meanwhile (a result was remembered), so that
/// the next caller refreshes it instead.
#[derive(Debug)]
#[must_use = "the refresh is handed on as soon as this is dropped"]
pub struct Refresh<'a> {
    cache: &'a SessionCache,
    key: Key,
    /// When the entry being refreshed was stored.
    stored_at: Instant,
}

impl Drop for Refresh<'_> {
    fn drop(&mut self) {
        let cache = self.cache;
        match self.key {
            Key::Session(id) => {
                let mut entries = cache.entries.write().unwrap_or_else(|p| p.into_inner());
                if let Some(e) = entries
                    .get_mut(&id)
                    .filter(|e| e.checked_at == self.stored_at)
                {
                    e.refreshing = false;
                }
            }
            Key::Profile(id) => {
                let mut profiles = cache.profiles.write().unwrap_or_else(|p| p.into_inner());
                if let Some(e) = profiles
                    .get_mut(&id)
                    .filter(|e| e.loaded_at == self.stored_at)
                {
                    e.refreshing = false;
                }
            }
            Key::User(_) => {}
        }
    }
}

/// Remembers sessions recently found active. Revoked or unknown sessions are never cached.
#[derive(Debug)]
pub struct SessionCache {
    ttl: Duration,
    entries: RwLock<HashMap<SessionId, Entry>>,
    profiles: RwLock<HashMap<UserId, ProfileEntry>>,
    /// When each key was last forgotten, kept for `ttl`.
    tombstones: RwLock<HashMap<Key, Instant>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::new(HashMap::new()),
            profiles: RwLock::new(HashMap::new()),
            tombstones: RwLock::new(HashMap::new()),
        }
    }

    /// Whether a result read from storage starting at `read_started` may be remembered under
    /// `keys`: it is at most `ttl` old and none of the keys was forgotten since it started.
    fn rememberable(&self, read_started: Instant, keys: &[Key]) -> bool {
        if read_started.elapsed() >= self.ttl {
            return false;
        }
        let tombstones = self.tombstones.read().unwrap_or_else(|p| p.into_inner());
        !keys
            .iter()
            .filter_map(|k| tombstones.get(k))
            .any(|forgotten_at| *forgotten_at >= read_started)
    }

    /// Records that `key` was forgotten now (before its entries are removed).
    fn bury(&self, key: Key) {
        if self.ttl.is_zero() {
            return;
        }
        let mut tombstones = self.tombstones.write().unwrap_or_else(|p| p.into_inner());
        if tombstones.len() >= SWEEP_THRESHOLD {
            let ttl = self.ttl;
            tombstones.retain(|_, at| at.elapsed() < ttl);
        }
        tombstones.insert(key, Instant::now());
    }

    /// `Hit` when `session` of `user` in `org` was found active less than `ttl` ago. A token
    /// naming the same session with another user or organization never matches. A `Miss` with
    /// a [`Refresh`] for the one caller chosen to refresh an entry ahead of its expiry (see the
    /// module docs).
    pub fn session(&self, session: SessionId, user: UserId, org: OrganizationId) -> Lookup<'_, ()> {
        if self.ttl.is_zero() {
            return Lookup::Miss(None);
        }
        let matches = |e: &Entry| e.user_id == user && e.organization_id == org;
        let state = {
            let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
            match entries.get(&session).filter(|e| matches(e)) {
                Some(e) => usable(e.checked_at.elapsed(), self.ttl, e.refreshing),
                None => Use::Expired,
            }
        };
        match state {
            Use::Fresh => Lookup::Hit(()),
            Use::Expired => Lookup::Miss(None),
            Use::RefreshDue => {
                let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
                let Some(e) = entries.get_mut(&session).filter(|e| matches(e)) else {
                    return Lookup::Miss(None);
                };
                match usable(e.checked_at.elapsed(), self.ttl, e.refreshing) {
                    Use::Fresh => Lookup::Hit(()),
                    Use::Expired => Lookup::Miss(None),
                    Use::RefreshDue => {
                        e.refreshing = true;
                        Lookup::Miss(Some(self.refresh(Key::Session(session), e.checked_at)))
                    }
                }
            }
        }
    }

    fn refresh(&self, key: Key, stored_at: Instant) -> Refresh<'_> {
        Refresh {
            cache: self,
            key,
            stored_at,
        }
    }

    /// Remembers that `session` was found active by a storage read that started at
    /// `read_started` (unless it was forgotten since, see the module docs).
    pub fn remember(
        &self,
        session: SessionId,
        user: UserId,
        org: OrganizationId,
        read_started: Instant,
    ) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if !self.rememberable(read_started, &[Key::Session(session), Key::User(user)]) {
            return;
        }
        if entries.len() >= SWEEP_THRESHOLD {
            let ttl = self.ttl;
            entries.retain(|_, e| e.checked_at.elapsed() < ttl);
        }
        let entry = Entry {
            user_id: user,
            organization_id: org,
            checked_at: Instant::now(),
            refreshing: false,
        };
        entries.insert(session, entry);
    }

    pub fn forget(&self, session: SessionId) {
        self.bury(Key::Session(session));
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.remove(&session);
    }

    pub fn forget_user(&self, user: UserId) {
        self.bury(Key::User(user));
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        entries.retain(|_, e| e.user_id != user);
        drop(entries);
        self.forget_profile(user);
    }

    /// The profile of `user` in `org` read less than `ttl` ago; a `Miss` with a [`Refresh`]
    /// for the one caller chosen to reload it ahead of its expiry.
    pub(crate) fn profile(&self, user: UserId, org: OrganizationId) -> Lookup<'_, Profile> {
        if self.ttl.is_zero() {
            return Lookup::Miss(None);
        }
        let matches = |e: &ProfileEntry| e.profile.0.organization_id == org;
        {
            let profiles = self.profiles.read().unwrap_or_else(|p| p.into_inner());
            let Some(entry) = profiles.get(&user).filter(|e| matches(e)) else {
                return Lookup::Miss(None);
            };
            match usable(entry.loaded_at.elapsed(), self.ttl, entry.refreshing) {
                Use::Fresh => return Lookup::Hit(Arc::clone(&entry.profile)),
                Use::Expired => return Lookup::Miss(None),
                Use::RefreshDue => {}
            }
        }
        let mut profiles = self.profiles.write().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = profiles.get_mut(&user).filter(|e| matches(e)) else {
            return Lookup::Miss(None);
        };
        match usable(entry.loaded_at.elapsed(), self.ttl, entry.refreshing) {
            Use::Fresh => Lookup::Hit(Arc::clone(&entry.profile)),
            Use::Expired => Lookup::Miss(None),
            Use::RefreshDue => {
                entry.refreshing = true;
                Lookup::Miss(Some(self.refresh(Key::Profile(user), entry.loaded_at)))
            }
        }
    }

    /// Remembers `profile` as read by a storage read that started at `read_started` (unless
    /// the user was forgotten since).
    pub(crate) fn remember_profile(&self, profile: Profile, read_started: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut profiles = self.profiles.write().unwrap_or_else(|p| p.into_inner());
        let user = profile.0.id;
        if !self.rememberable(read_started, &[Key::Profile(user), Key::User(user)]) {
            return;
        }
        if profiles.len() >= SWEEP_THRESHOLD {
            let ttl = self.ttl;
            profiles.retain(|_, e| e.loaded_at.elapsed() < ttl);
        }
        let entry = ProfileEntry {
            profile: Arc::clone(&profile),
            loaded_at: Instant::now(),
            refreshing: false,
        };
        profiles.insert(profile.0.id, entry);
    }

    pub(crate) fn forget_profile(&self, user: UserId) {
        self.bury(Key::Profile(user));
        let mut profiles = self.profiles.write().unwrap_or_else(|p| p.into_inner());
        profiles.remove(&user);
    }
}

#[cfg(test)]
#[path = "session_cache_tests.rs"]
mod tests;
