//! Organizations, users, invitations, sessions and sign-in throttling.

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::identity::{
    Acceptance, AccessChange, AccessChangeOutcome, AttemptDecision, AttemptOutcome, Email,
    FullName, Invitation, LockoutPolicy, NewInvitation, NewOrganization, NewSession, NewUser,
    Organization, OrganizationName, PasswordHash, RefreshOutcome, RevocationReason, Session,
    TokenHash, User,
};
use crate::ids::{InvitationId, OrganizationId, SessionId, UserId};
use crate::pagination::PageRequest;

use super::RepoResult;

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

    /// Adds a user to an existing organization. `Conflict::EmailTaken` when the email is taken.
    fn create(&self, user: NewUser) -> RepoResult<User>;

    fn update_full_name(
        &self,
        org: OrganizationId,
        id: UserId,
        full_name: &FullName,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<User>>;

    /// Returns false when no such user exists in `org`; otherwise, in the same transaction as
    /// the change, ends every other active session of the user (all but `keep_session`, with
    /// reason `password_changed`) and writes `audit`.
    fn update_password(
        &self,
        org: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
        keep_session: SessionId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Replaces the password hash with one of the same password at another cost (rehash on
    /// sign-in), only while the stored hash is still `current`: a password change meanwhile
    /// wins. Returns whether it was replaced. No session ends and no entry is written: nothing
    /// a user or admin did changed.
    fn rehash_password(
        &self,
        org: OrganizationId,
        id: UserId,
        current: &PasswordHash,
        rehashed: &PasswordHash,
    ) -> RepoResult<bool>;

    fn record_login(&self, org: OrganizationId, id: UserId, now: DateTime<Utc>) -> RepoResult<()>;

    /// Members of `org`, newest first, at most `page.fetch_limit()` of them.
    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<User>>;

    /// Applies a role / active change in one transaction: refuses (`LastAdmin`) when it would
    /// leave `org` without an active admin (concurrent changes cannot both pass), and revokes
    /// every session of the user when `change.ends_sessions` (reason `AccountChanged`).
    /// `audit` (`user.updated`) is written in the same transaction, only when the change
    /// happened.
    fn update_access(
        &self,
        org: OrganizationId,
        id: UserId,
        change: AccessChange,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<AccessChangeOutcome>;
}

pub trait InvitationRepository: Send + Sync {
    /// `Conflict::InvitationPending` when `org` already has a pending (open and not expired)
    /// invitation for the email; an open but expired one is revoked to make room.
    /// `audit` (`user.invited`) is written in the same transaction.
    fn create(
        &self,
        invitation: NewInvitation,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Invitation>;

    fn get(&self, org: OrganizationId, id: InvitationId) -> RepoResult<Option<Invitation>>;

    /// Invitations of `org`, newest first, at most `page.fetch_limit()`.
    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<Invitation>>;

    /// Marks an open invitation revoked; false when there is none. `audit`
    /// (`invitation.revoked`) is written in the same transaction when it was revoked.
    fn revoke(
        &self,
        org: OrganizationId,
        id: InvitationId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Replaces the token and expiry of an open invitation (the old token stops working);
    /// `audit` (`user.invited`, resent) is written in the same transaction when it did.
    fn reissue(
        &self,
        org: OrganizationId,
        id: InvitationId,
        token_hash: &TokenHash,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Invitation>>;

    /// The pending invitation with this token, if any (not accepted, revoked or expired).
    fn find_pending(
        &self,
        token_hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<Invitation>>;

    /// In one transaction: marks the pending invitation accepted and creates its user (the
    /// invitation's organization, email and role). `None` when no pending invitation has this
    /// token; `Conflict::EmailTaken` when the email got an account meanwhile.
    /// `audit` builds the `user.joined` entry from the new user; it is written in the same
    /// transaction.
    fn accept(
        &self,
        token_hash: &TokenHash,
        acceptance: Acceptance,
        now: DateTime<Utc>,
        audit: &(dyn Fn(&User) -> NewAuditEntry + Sync),
    ) -> RepoResult<Option<(Invitation, User)>>;
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

    /// Gives back the reservation of an attempt of `key` with its outcome
    /// (`policy.conclude`), atomically like `register_attempt`. Returns until when the key is
    /// now locked when this failure locked it.
    fn conclude(
        &self,
        key: &str,
        policy: &LockoutPolicy,
        outcome: AttemptOutcome,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<DateTime<Utc>>>;

    /// Deletes, at most `limit` at a time, the states that `policy.expired` says are over (so
    /// that attempts on random emails do not grow the table forever). Returns how many went.
    fn prune(&self, policy: &LockoutPolicy, now: DateTime<Utc>, limit: usize) -> RepoResult<usize>;
}
