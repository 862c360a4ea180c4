//! Ports: what the use cases need from storage. Adapters (xdr-persistence, in-memory fakes)
//! implement them. Every method that touches tenant data takes the `OrganizationId` and must
//! filter by it; a record of another organization is reported exactly like a missing one.
//!
//! The traits are synchronous (diesel is); callers run them off the async workers.

use chrono::{DateTime, Utc};

use crate::audit::{
    AuditCursor, AuditEntry, AuditFilter, AuditPage, AuditVerification, NewAuditEntry, PruneReport,
};
use crate::error::RepoError;
use crate::identity::{
    AttemptDecision, Email, FullName, LockoutPolicy, NewOrganization, NewSession, NewUser,
    Organization, OrganizationName, PasswordHash, RefreshOutcome, RevocationReason, Session,
    TokenHash, User,
};
use crate::ids::{OrganizationId, SessionId, UserId};

pub type RepoResult<T> = Result<T, RepoError>;

pub trait OrganizationRepository: Send + Sync {
    /// Creates the organization and its first admin in one transaction.
    /// `Conflict::EmailTaken` / `Conflict::OrganizationExists` when either is taken; when only the
    /// slug is taken the adapter picks a free one by adding a suffix. `audit` (the
    /// `auth.register` entry) is written in the same transaction, starting the new
    /// organization's audit chain.
    fn create_with_admin(
        &self,
        organization: NewOrganization,
        admin: NewUser,
        audit: NewAuditEntry,
    ) -> RepoResult<(Organization, User)>;

    fn get(&self, id: OrganizationId) -> RepoResult<Option<Organization>>;

    /// Renames the organization (its slug stays). `Conflict::OrganizationExists` when taken.
    fn rename(
        &self,
        id: OrganizationId,
        name: &OrganizationName,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<Organization>>;
}

pub trait UserRepository: Send + Sync {
    /// Emails are unique across all organizations: this is how sign-in finds the tenant.
    fn find_by_email(&self, email: &Email) -> RepoResult<Option<User>>;

    fn get(&self, org: OrganizationId, id: UserId) -> RepoResult<Option<User>>;

    fn update_full_name(
        &self,
        org: OrganizationId,
        id: UserId,
        full_name: &FullName,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<User>>;

    /// Returns false when no such user exists in `org`; otherwise `audit` is written in the
    /// same transaction as the change.
    fn update_password(
        &self,
        org: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    fn record_login(&self, org: OrganizationId, id: UserId, now: DateTime<Utc>) -> RepoResult<()>;
}

pub trait SessionRepository: Send + Sync {
    /// Creates the session; `audit` (e.g. `auth.login`), when given, in the same transaction.
    fn create(&self, session: NewSession, audit: Option<NewAuditEntry>) -> RepoResult<Session>;

    fn get(&self, org: OrganizationId, id: SessionId) -> RepoResult<Option<Session>>;

    /// Atomically: if `presented` is the session's current refresh hash and the session is
    /// active, replace it with `replacement` (generation + 1, last used = now) and remember
    /// `presented` as rotated; if `presented` was rotated earlier, revoke the session
    /// (`RevocationReason::RefreshReuse`). Two concurrent presentations of one token can never
    /// both rotate. On reuse, the entry `on_reuse` builds for the revoked session is written
    /// in the transaction that revokes it.
    fn rotate_refresh(
        &self,
        presented: &TokenHash,
        replacement: &TokenHash,
        now: DateTime<Utc>,
        on_reuse: &(dyn Fn(&Session) -> NewAuditEntry + Sync),
    ) -> RepoResult<RefreshOutcome>;

    /// Revokes one session of `user` in `org`; false when there is no such active session.
    /// `audit` is written in the same transaction, only when a session ended.
    fn revoke(
        &self,
        org: OrganizationId,
        user: UserId,
        id: SessionId,
        reason: RevocationReason,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Revokes every active session of the user except `keep`; returns how many ended.
    /// `audit`, when given, is written in the same transaction (even when none ended).
    fn revoke_all_for_user(
        &self,
        org: OrganizationId,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
        now: DateTime<Utc>,
        audit: Option<NewAuditEntry>,
    ) -> RepoResult<u64>;

    /// Active (not revoked, not expired) sessions of the user, newest first.
    fn list_active_for_user(
        &self,
        org: OrganizationId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> RepoResult<Vec<Session>>;
}

pub trait LoginThrottleRepository: Send + Sync {
    /// Applies `policy.register_attempt` to the stored state of `key` atomically (no two
    /// concurrent calls may read the same state) and stores the result.
    fn register_attempt(
        &self,
        key: &str,
        policy: &LockoutPolicy,
        now: DateTime<Utc>,
    ) -> RepoResult<AttemptDecision>;

    /// Forgets the attempts of `key` (after a successful sign-in).
    fn clear(&self, key: &str) -> RepoResult<()>;
}

/// The per-organization, hash-chained audit log. Appends to one organization are serialized so
/// that concurrent writers can never fork its chain. Entries of mutating use cases are written
/// by the repository performing the change, in its transaction; `append` is for events that
/// change nothing else (a failed sign-in, a lockout).
pub trait AuditLogRepository: Send + Sync {
    fn append(&self, entry: NewAuditEntry, now: DateTime<Utc>) -> RepoResult<AuditEntry>;

    /// Entries of `org` matching `filter`, newest first, at most `limit`, starting after
    /// `cursor`.
    fn list(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        cursor: Option<AuditCursor>,
        limit: usize,
    ) -> RepoResult<AuditPage>;

    /// Streams every matching entry of `org`, newest first, in batches of at most
    /// `batch_size`, without holding more than one batch in memory. Stops early (successfully)
    /// when `sink` returns false. Returns how many entries were handed to `sink`.
    fn export(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        batch_size: usize,
        sink: &mut dyn FnMut(Vec<AuditEntry>) -> bool,
    ) -> RepoResult<u64>;

    /// Walks the chain of `org` from its anchor (or the beginning) and reports the first
    /// entry whose link or hash does not match.
    fn verify(&self, org: OrganizationId) -> RepoResult<AuditVerification>;

    /// Deletes, per organization, the oldest entries created before `before` (a prefix of the
    /// chain) and records the last deleted entry as the chain's anchor.
    fn prune(&self, before: DateTime<Utc>, now: DateTime<Utc>) -> RepoResult<Vec<PruneReport>>;
}

/// Readiness: does storage answer?
pub trait HealthCheck: Send + Sync {
    fn ping(&self) -> RepoResult<()>;
}
