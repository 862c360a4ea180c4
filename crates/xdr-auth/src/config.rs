//! Configuration of the identity core, built by the server from its settings.

use std::time::Duration;

use xdr_domain::identity::LockoutPolicy;

/// bcrypt work factor used when nothing else is configured.
pub const DEFAULT_BCRYPT_COST: u32 = 12;
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
pub const DEFAULT_REFRESH_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How long a web console sign-in lasts (a working day); then the analyst signs in again.
pub const DEFAULT_BROWSER_SESSION_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// Longest time a revoked session's access token may still be accepted by another process.
pub const MAX_SESSION_CACHE_TTL: Duration = Duration::from_secs(1);

#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Lifetime of a web console session token (never longer than the session itself).
    pub browser_session_ttl: Duration,
    pub bcrypt_cost: u32,
    /// How many password hashes may be computed at once. Each keeps one CPU busy for the
    /// whole hash, so this bounds how much of the machine a login storm can take.
    pub password_hash_concurrency: usize,
    pub lockout: LockoutPolicy,
    /// How long a session check may be reused; at most [`MAX_SESSION_CACHE_TTL`].
    pub session_cache_ttl: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: "mini-xdr".to_owned(),
            audience: "mini-xdr-api".to_owned(),
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            refresh_token_ttl: DEFAULT_REFRESH_TOKEN_TTL,
            browser_session_ttl: DEFAULT_BROWSER_SESSION_TTL,
            bcrypt_cost: DEFAULT_BCRYPT_COST,
            password_hash_concurrency: 2,
            lockout: LockoutPolicy::default(),
            session_cache_ttl: MAX_SESSION_CACHE_TTL,
        }
    }
}
