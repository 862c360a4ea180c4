//! Ports: what the use cases need from storage. Adapters (xdr-persistence, in-memory fakes)
//! implement them. Every method that touches tenant data takes the `OrganizationId` and must
//! filter by it; a record of another organization is reported exactly like a missing one.
//!
//! The traits are synchronous (diesel is); callers run them off the async workers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::{
    AuditCursor, AuditEntry, AuditFilter, AuditPage, AuditVerification, NewAuditEntry, PruneReport,
};
use crate::credentials::{
    Credential, CredentialChanges, NewCredential, SealedLocation, SealedRecord,
};
use crate::error::RepoError;
use crate::identity::{
    Acceptance, AccessChange, AccessChangeOutcome, AttemptDecision, Email, FullName, Invitation,
    LockoutPolicy, NewInvitation, NewOrganization, NewSession, NewUser, Organization,
    OrganizationName, PasswordHash, RefreshOutcome, RevocationReason, Session, TokenHash, User,
};
use crate::ids::{
    CredentialId, IncidentId, InvitationId, LogSourceId, MlModelId, OrganizationId, PolicyId,
    SessionId, UserId,
};
use crate::inventory::{LogSource, LogSourceChange, MlModel, MlModelChange};
use crate::pagination::PageRequest;
use crate::secrets::{Binding, SealError, SealedSecret, SecretBytes};
use crate::security::event::Event;
use crate::security::{
    ActionLog, ContainmentAction, ContainmentPolicy, DashboardSummary, EventFilter, Execution,
    Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter, NewEvent, RuleKind,
    RuleSettings,
};

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

    /// Adds a user to an existing organization. `Conflict::EmailTaken` when the email is taken.
    fn create(&self, user: NewUser) -> RepoResult<User>;

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

/// What one ingested batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    pub accepted: usize,
    pub incidents_opened: Vec<IncidentId>,
    pub incidents_updated: Vec<IncidentId>,
}

/// Events, incidents and detection settings of an organization.
pub trait SecurityRepository: Send + Sync {
    /// In one transaction: stores the batch, then for each source IP in it evaluates the
    /// organization's enabled rules over that IP's window (read through an index) and opens or
    /// grows the one open incident per (rule, source IP). Nothing is stored on error.
    fn ingest(
        &self,
        org: OrganizationId,
        events: Vec<NewEvent>,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome>;

    fn list_events(
        &self,
        org: OrganizationId,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Event>>;

    fn list_incidents(
        &self,
        org: OrganizationId,
        filter: &IncidentFilter,
        page: &PageRequest,
    ) -> RepoResult<Vec<Incident>>;

    fn get_incident(&self, org: OrganizationId, id: IncidentId) -> RepoResult<Option<Incident>>;

    /// The latest `limit` events of the incident's source IP since it was first seen.
    fn incident_events(
        &self,
        org: OrganizationId,
        incident: &Incident,
        limit: usize,
    ) -> RepoResult<Vec<Event>>;

    fn update_incident(
        &self,
        org: OrganizationId,
        id: IncidentId,
        change: &IncidentChange,
        now: DateTime<Utc>,
    ) -> RepoResult<IncidentChangeOutcome>;

    /// Every built-in rule with the organization's settings (defaults where none are stored).
    fn rule_settings(&self, org: OrganizationId) -> RepoResult<Vec<(RuleKind, RuleSettings)>>;

    fn set_rule_settings(
        &self,
        org: OrganizationId,
        rule: RuleKind,
        settings: RuleSettings,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;

    fn dashboard(&self, org: OrganizationId, now: DateTime<Utc>) -> RepoResult<DashboardSummary>;
}

/// Containment policies and the log of actions taken.
pub trait ContainmentRepository: Send + Sync {
    /// Policies of `org`, highest priority first.
    fn policies(&self, org: OrganizationId) -> RepoResult<Vec<ContainmentPolicy>>;

    fn get_policy(
        &self,
        org: OrganizationId,
        id: PolicyId,
    ) -> RepoResult<Option<ContainmentPolicy>>;

    /// `Conflict::Other("policy_exists")` when the name is taken in `org`.
    fn create_policy(&self, policy: &ContainmentPolicy) -> RepoResult<()>;

    /// Replaces the policy's fields; false when `org` has no such policy.
    fn update_policy(&self, policy: &ContainmentPolicy) -> RepoResult<bool>;

    fn delete_policy(&self, org: OrganizationId, id: PolicyId) -> RepoResult<bool>;

    /// Whether `policy` already acted on `incident` (a policy acts once per incident).
    fn policy_acted(
        &self,
        org: OrganizationId,
        incident: IncidentId,
        policy: PolicyId,
    ) -> RepoResult<bool>;

    fn record_action(&self, log: &ActionLog) -> RepoResult<()>;

    /// Actions of `org` (of one incident when given), newest first.
    fn actions(
        &self,
        org: OrganizationId,
        incident: Option<IncidentId>,
        page: &PageRequest,
    ) -> RepoResult<Vec<ActionLog>>;
}

/// Carries out a containment action (an external system, or only the record of it).
pub trait ActionExecutor: Send + Sync {
    /// The name stored in the action log (`record`, `webhook`...).
    fn name(&self) -> &'static str;

    fn execute(&self, incident: &Incident, action: ContainmentAction, params: &str) -> Execution;
}

/// Seals and opens secrets at rest. The adapter holds the keys (a versioned key ring); callers
/// see only sealed values and the plaintext they asked for.
pub trait Sealer: Send + Sync {
    /// Seals `plaintext` with the active key, bound to `binding`.
    fn seal(&self, plaintext: &[u8], binding: &Binding) -> Result<SealedSecret, SealError>;

    /// Opens `sealed`, which must have been sealed with exactly this `binding`.
    fn open(&self, sealed: &SealedSecret, binding: &Binding) -> Result<SecretBytes, SealError>;

    /// The key version new values are sealed with.
    fn active_version(&self) -> u32;

    /// Every key version values can be opened with, ascending.
    fn versions(&self) -> Vec<u32>;

    /// True when `sealed` was sealed with another key than the active one (rotation pending).
    fn needs_reseal(&self, sealed: &SealedSecret) -> bool {
        sealed.key_version() != self.active_version()
    }
}

/// The credential vault's storage. Every method a user's request reaches takes the
/// `OrganizationId` and the owner's `UserId` and filters by both: another user's credential is
/// reported exactly like a missing one.
pub trait CredentialRepository: Send + Sync {
    /// Stores a credential and its sealed secrets in one transaction. With `is_default`, the
    /// owner's previous default stops being one in the same transaction.
    /// `audit` (`credential.created`) is written in the same transaction.
    fn create(&self, credential: NewCredential, audit: NewAuditEntry) -> RepoResult<Credential>;

    /// The owner's credentials, newest first: at most `limit`, older than `before` when given.
    fn list(
        &self,
        org: OrganizationId,
        owner: UserId,
        before: Option<CredentialId>,
        limit: u32,
    ) -> RepoResult<Vec<Credential>>;

    fn get(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
    ) -> RepoResult<Option<Credential>>;

    /// Applies `changes` in one transaction (`is_default = true` clears the owner's previous
    /// default atomically) and bumps `updated_at`; `None` when there is no such credential.
    fn update(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        changes: &CredentialChanges,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<Option<Credential>>;

    /// Deletes the credential and its secrets; false when there is no such credential.
    /// `audit` (`credential.deleted`) is written in the same transaction when it was deleted.
    fn delete(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Records that the product used the credential; false when there is no such credential.
    /// `audit` (`credential.used`) is written in the same transaction when it was touched.
    fn touch_last_used(
        &self,
        org: OrganizationId,
        owner: UserId,
        id: CredentialId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;

    /// Operator maintenance across all organizations: up to `limit` stored secrets not sealed
    /// with `active_version`, in location order, after `after` when given.
    fn list_stale_sealed(
        &self,
        active_version: u32,
        after: Option<SealedLocation>,
        limit: u32,
    ) -> RepoResult<Vec<SealedRecord>>;

    /// Compare-and-swap: replaces the secret at `current.location` (in `current`'s
    /// organization) by `replacement` only if it still holds `current.sealed`. False when it
    /// changed or disappeared meanwhile, so a concurrent update is never overwritten.
    fn replace_sealed(
        &self,
        current: &SealedRecord,
        replacement: &SealedSecret,
    ) -> RepoResult<bool>;

    /// How many stored secrets each key version sealed (versions with none are absent).
    fn key_versions_in_use(&self) -> RepoResult<BTreeMap<u32, u64>>;
}

/// Log sources and ML model records of an organization. Lists are newest first, at most
/// `page.fetch_limit()`. Creating or renaming onto a taken name is `Conflict::LogSourceExists`
/// / `Conflict::MlModelExists`; `None` / `false` when `org` has no such record.
pub trait InventoryRepository: Send + Sync {
    fn create_log_source(&self, org: OrganizationId, source: &LogSource) -> RepoResult<LogSource>;
    fn list_log_sources(
        &self,
        org: OrganizationId,
        page: &PageRequest,
    ) -> RepoResult<Vec<LogSource>>;
    fn get_log_source(&self, org: OrganizationId, id: LogSourceId)
    -> RepoResult<Option<LogSource>>;
    fn update_log_source(
        &self,
        org: OrganizationId,
        id: LogSourceId,
        change: &LogSourceChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<LogSource>>;
    fn delete_log_source(&self, org: OrganizationId, id: LogSourceId) -> RepoResult<bool>;

    fn create_ml_model(&self, org: OrganizationId, model: &MlModel) -> RepoResult<MlModel>;
    fn list_ml_models(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<MlModel>>;
    fn get_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<Option<MlModel>>;
    fn update_ml_model(
        &self,
        org: OrganizationId,
        id: MlModelId,
        change: &MlModelChange,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<MlModel>>;
    fn delete_ml_model(&self, org: OrganizationId, id: MlModelId) -> RepoResult<bool>;
}
