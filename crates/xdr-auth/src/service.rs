//! The identity service: the ports it stands on and the pieces every use case shares.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use xdr_domain::Clock;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::identity::{NewSession, TokenHash, User};
use xdr_domain::ports::{
    AuditLogRepository, InvitationRepository, LoginThrottleRepository, OrganizationRepository,
    SessionRepository, UserRepository,
};
use xdr_domain::{RepoError, SessionId};

use crate::blocking;
use crate::config::AuthConfig;
use crate::error::InternalError;
use crate::jwt::{AccessSubject, JwtKeyRing};
use crate::password::PasswordHasher;
use crate::principal::ClientInfo;
use crate::session_cache::SessionCache;
use crate::tokens::{RefreshToken, TokenPair};

/// The storage the identity core needs.
#[derive(Clone)]
pub struct IdentityStore {
    pub organizations: Arc<dyn OrganizationRepository>,
    pub users: Arc<dyn UserRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub throttle: Arc<dyn LoginThrottleRepository>,
    pub invitations: Arc<dyn InvitationRepository>,
    pub audit: Arc<dyn AuditLogRepository>,
}

impl fmt::Debug for IdentityStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityStore").finish_non_exhaustive()
    }
}

/// Registration, sign-in, tokens and sessions. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct AuthService {
    pub(crate) store: IdentityStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hasher: PasswordHasher,
    pub(crate) jwt: JwtKeyRing,
    pub(crate) cache: SessionCache,
    pub(crate) config: AuthConfig,
}

impl AuthService {
    pub fn new(
        store: IdentityStore,
        clock: Arc<dyn Clock>,
        hasher: PasswordHasher,
        jwt: JwtKeyRing,
        config: AuthConfig,
    ) -> Self {
        let cache = SessionCache::new(
            config
                .session_cache_ttl
                .min(crate::config::MAX_SESSION_CACHE_TTL),
        );
        Self {
            store,
            clock,
            hasher,
            jwt,
            cache,
            config,
        }
    }

    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    pub fn jwt(&self) -> &JwtKeyRing {
        &self.jwt
    }

    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn access_ttl_seconds(&self) -> i64 {
        i64::try_from(self.config.access_token_ttl.as_secs()).unwrap_or(i64::MAX)
    }

    /// Opens a new session for `user` and returns its first token pair. `audit`, when given,
    /// is written with the session (its resource id set to the new session's id).
    pub(crate) async fn start_session(
        &self,
        user: &User,
        client: &ClientInfo,
        audit: Option<NewAuditEntry>,
    ) -> Result<TokenPair, InternalError> {
        let now = self.now();
        let refresh = RefreshToken::generate();
        let refresh_ttl = Duration::from_std(self.config.refresh_token_ttl)
            .map_err(|e| RepoError::Internal(format!("refresh ttl out of range: {e}")))?;
        let new_session = NewSession {
            id: SessionId::generate(),
            organization_id: user.organization_id,
            user_id: user.id,
            refresh_token_hash: refresh.hash(),
            user_agent: client.user_agent.clone(),
            ip: client.ip.clone(),
            created_at: now,
            expires_at: now + refresh_ttl,
        };
        let audit = audit.map(|a| a.resource(new_session.id));
        let sessions = Arc::clone(&self.store.sessions);
        let session = blocking::run(move || sessions.create(new_session, audit)).await?;
        self.token_pair(user, session.id, refresh, now)
    }

    /// Signs an access token for the session and pairs it with `refresh`.
    pub(crate) fn token_pair(
        &self,
        user: &User,
        session_id: SessionId,
        refresh: RefreshToken,
        now: DateTime<Utc>,
    ) -> Result<TokenPair, InternalError> {
        let subject = AccessSubject {
            user_id: user.id,
            organization_id: user.organization_id,
            role: user.role,
            session_id,
        };
        let ttl = self.access_ttl_seconds();
        let access = self.jwt.issue(subject, now, ttl)?;
        Ok(TokenPair {
            access_token: access,
            refresh_token: refresh,
            expires_in: ttl,
        })
    }

    pub(crate) fn hash_refresh(token: &str) -> TokenHash {
        TokenHash::from_hex(xdr_crypto::hash_token(token))
    }
}
