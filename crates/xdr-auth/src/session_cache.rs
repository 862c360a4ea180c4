//! A short-lived cache of session checks, so that each request does not hit the database.
//!
//! Entries live at most `ttl` (≤ 1 s). This process drops entries as soon as it ends a session,
//! so logout is immediate here and takes effect within `ttl` on other processes. Beside the
//! session checks it keeps the caller's profile (user and organization, as `GET /auth/me` shows
//! them) for the same `ttl`, dropped here as soon as this process changes the user.

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
}

#[derive(Debug, Clone)]
struct ProfileEntry {
    profile: Profile,
    loaded_at: Instant,
}

/// Remembers sessions recently found active. Revoked or unknown sessions are never cached.
#[derive(Debug)]
pub struct SessionCache {
    ttl: Duration,
    entries: RwLock<HashMap<SessionId, Entry>>,
    profiles: RwLock<HashMap<UserId, ProfileEntry>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::new(HashMap::new()),
            profiles: RwLock::new(HashMap::new()),
        }
    }

    /// True when `session` of `user` in `org` was found active less than `ttl` ago. A token
    /// naming the same session with another user or organization never matches.
    pub fn is_fresh(&self, session: SessionId, user: UserId, org: OrganizationId) -> bool {
        if self.ttl.is_zero() {
            return false;
        }
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries.get(&session).is_some_and(|e| {
            e.user_id == user && e.organization_id == org && e.checked_at.elapsed() < self.ttl
        })
    }

    pub fn remember(&self, session: SessionId, user: UserId, org: OrganizationId) {
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
            organization_id: org,
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
        drop(entries);
        self.forget_profile(user);
    }

    /// The profile of `user` in `org` read less than `ttl` ago.
    pub(crate) fn profile(&self, user: UserId, org: OrganizationId) -> Option<Profile> {
        if self.ttl.is_zero() {
            return None;
        }
        let profiles = self.profiles.read().unwrap_or_else(|p| p.into_inner());
        profiles
            .get(&user)
            .filter(|e| e.loaded_at.elapsed() < self.ttl && e.profile.0.organization_id == org)
            .map(|e| Arc::clone(&e.profile))
    }

    pub(crate) fn remember_profile(&self, profile: Profile) {
        if self.ttl.is_zero() {
            return;
        }
        let mut profiles = self.profiles.write().unwrap_or_else(|p| p.into_inner());
        if profiles.len() >= SWEEP_THRESHOLD {
            let ttl = self.ttl;
            profiles.retain(|_, e| e.loaded_at.elapsed() < ttl);
        }
        let entry = ProfileEntry {
            profile: Arc::clone(&profile),
            loaded_at: Instant::now(),
        };
        profiles.insert(profile.0.id, entry);
    }

    pub(crate) fn forget_profile(&self, user: UserId) {
        let mut profiles = self.profiles.write().unwrap_or_else(|p| p.into_inner());
        profiles.remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (SessionId, UserId, OrganizationId) {
        (
            SessionId::generate(),
            UserId::generate(),
            OrganizationId::generate(),
        )
    }

    #[test]
    fn remembers_then_forgets() {
        let cache = SessionCache::new(Duration::from_secs(1));
        let (s, u, o) = ids();
        assert!(!cache.is_fresh(s, u, o));
        cache.remember(s, u, o);
        assert!(cache.is_fresh(s, u, o));
        assert!(
            !cache.is_fresh(s, UserId::generate(), o),
            "bound to its user"
        );
        assert!(
            !cache.is_fresh(s, u, OrganizationId::generate()),
            "bound to its organization"
        );
        cache.forget(s);
        assert!(!cache.is_fresh(s, u, o));
    }

    #[test]
    fn forget_user_drops_all_their_sessions() {
        let cache = SessionCache::new(Duration::from_secs(1));
        let (a, u, o) = ids();
        let (b, c, other) = (
            SessionId::generate(),
            SessionId::generate(),
            UserId::generate(),
        );
        cache.remember(a, u, o);
        cache.remember(b, u, o);
        cache.remember(c, other, o);
        cache.forget_user(u);
        assert!(!cache.is_fresh(a, u, o) && !cache.is_fresh(b, u, o));
        assert!(cache.is_fresh(c, other, o));
    }

    #[test]
    fn entries_expire() {
        let cache = SessionCache::new(Duration::from_millis(20));
        let (s, u, o) = ids();
        cache.remember(s, u, o);
        std::thread::sleep(Duration::from_millis(30));
        assert!(!cache.is_fresh(s, u, o));
    }

    #[test]
    fn zero_ttl_disables_caching() {
        let cache = SessionCache::new(Duration::ZERO);
        let (s, u, o) = ids();
        cache.remember(s, u, o);
        assert!(!cache.is_fresh(s, u, o));
    }

    fn profile_of(user: UserId, org: OrganizationId) -> Profile {
        use xdr_domain::identity::{
            Email, FullName, OnboardingStatus, OrganizationName, PasswordHash, Role,
        };
        let now = chrono::Utc::now();
        let name = OrganizationName::parse("Acme Security").unwrap();
        let organization = Organization {
            id: org,
            slug: name.slug(),
            name,
            onboarding_status: OnboardingStatus::NotStarted,
            created_at: now,
            updated_at: now,
        };
        let user = User {
            id: user,
            organization_id: org,
            email: Email::parse("ana@acme.example").unwrap(),
            full_name: FullName::parse("Ana").unwrap(),
            role: Role::Admin,
            is_active: true,
            password_hash: PasswordHash::new("$2b$04$x".to_owned()),
            created_at: now,
            updated_at: now,
            last_login_at: None,
        };
        Arc::new((user, organization))
    }

    #[test]
    fn profiles_are_bound_to_their_organization_and_forgotten_with_the_user() {
        let cache = SessionCache::new(Duration::from_secs(1));
        let (_, u, o) = ids();
        assert!(cache.profile(u, o).is_none());
        cache.remember_profile(profile_of(u, o));
        assert!(cache.profile(u, o).is_some());
        assert!(
            cache.profile(u, OrganizationId::generate()).is_none(),
            "a token naming another organization never gets this profile"
        );
        cache.forget_user(u);
        assert!(
            cache.profile(u, o).is_none(),
            "ending the user's sessions drops it"
        );
        cache.remember_profile(profile_of(u, o));
        cache.forget_profile(u);
        assert!(cache.profile(u, o).is_none());
    }

    #[test]
    fn profiles_expire_and_zero_ttl_disables_them() {
        let cache = SessionCache::new(Duration::from_millis(20));
        let (_, u, o) = ids();
        cache.remember_profile(profile_of(u, o));
        std::thread::sleep(Duration::from_millis(30));
        assert!(cache.profile(u, o).is_none());
        let off = SessionCache::new(Duration::ZERO);
        off.remember_profile(profile_of(u, o));
        assert!(off.profile(u, o).is_none());
    }
}
