//! Ports: what the use cases need from storage. Adapters (xdr-persistence, in-memory fakes)
//! implement them. Every method that touches tenant data takes the `OrganizationId` and must
//! filter by it; a record of another organization is reported exactly like a missing one.
//!
//! The traits are synchronous (diesel is); callers run them off the async workers.

use chrono::{DateTime, Utc};

use crate::error::RepoError;
use crate::identity::{
    Acceptance, AccessChange, AccessChangeOutcome, AttemptDecision, Email, FullName, Invitation,
    LockoutPolicy, NewInvitation, NewOrganization, NewSession, NewUser, Organization,
    OrganizationName, PasswordHash, RefreshOutcome, RevocationReason, Session, TokenHash, User,
};
use crate::ids::{
    IncidentId, InvitationId, LogSourceId, MlModelId, OrganizationId, SessionId, UserId,
};
use crate::inventory::{LogSource, LogSourceChange, MlModel, MlModelChange};
use crate::pagination::PageRequest;
use crate::security::event::Event;
use crate::security::{
    DashboardSummary, EventFilter, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
    NewEvent, RuleKind, RuleSettings,
};

pub type RepoResult<T> = Result<T, RepoError>;

pub trait OrganizationRepository: Send + Sync {
    /// Creates the organization and its first admin in one transaction.
    /// `Conflict::EmailTaken` / `Conflict::OrganizationExists` when either is taken; when only the
    /// slug is taken the adapter picks a free one by adding a suffix.
    fn create_with_admin(
        &self,
        organization: NewOrganization,
        admin: NewUser,
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

    /// Returns false when no such user exists in `org`.
    fn update_password(
        &self,
        org: OrganizationId,
        id: UserId,
        hash: &PasswordHash,
        now: DateTime<Utc>,
    ) -> RepoResult<bool>;

    fn record_login(&self, org: OrganizationId, id: UserId, now: DateTime<Utc>) -> RepoResult<()>;

    /// Adds a user to an existing organization. `Conflict::EmailTaken` when the email is used.
    fn create(&self, user: NewUser) -> RepoResult<User>;

    /// Members of `org`, newest first, at most `page.fetch_limit()` of them.
    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<User>>;

    /// Applies a role / active change in one transaction: refuses (`LastAdmin`) when it would
    /// leave `org` without an active admin (concurrent changes cannot both pass), and revokes
    /// every session of the user when `change.ends_sessions` (reason `AccountChanged`).
    fn update_access(
        &self,
        org: OrganizationId,
        id: UserId,
        change: AccessChange,
        now: DateTime<Utc>,
    ) -> RepoResult<AccessChangeOutcome>;
}

pub trait InvitationRepository: Send + Sync {
    /// `Conflict::InvitationPending` when `org` already has a pending (open and not expired)
    /// invitation for the email; an open but expired one is revoked to make room.
    fn create(&self, invitation: NewInvitation, now: DateTime<Utc>) -> RepoResult<Invitation>;

    fn get(&self, org: OrganizationId, id: InvitationId) -> RepoResult<Option<Invitation>>;

    /// Invitations of `org`, newest first, at most `page.fetch_limit()`.
    fn list(&self, org: OrganizationId, page: &PageRequest) -> RepoResult<Vec<Invitation>>;

    /// Marks an open invitation revoked; false when there is none.
    fn revoke(&self, org: OrganizationId, id: InvitationId, now: DateTime<Utc>)
    -> RepoResult<bool>;

    /// Replaces the token and expiry of an open invitation (the old token stops working).
    fn reissue(
        &self,
        org: OrganizationId,
        id: InvitationId,
        token_hash: &TokenHash,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
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
    fn accept(
        &self,
        token_hash: &TokenHash,
        acceptance: Acceptance,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<(Invitation, User)>>;
}

pub trait SessionRepository: Send + Sync {
    fn create(&self, session: NewSession) -> RepoResult<Session>;

    fn get(&self, org: OrganizationId, id: SessionId) -> RepoResult<Option<Session>>;

    /// Atomically: if `presented` is the session's current refresh hash and the session is
    /// active, replace it with `replacement` (generation + 1, last used = now) and remember
    /// `presented` as rotated; if `presented` was rotated earlier, revoke the session
    /// (`RevocationReason::RefreshReuse`). Two concurrent presentations of one token can never
    /// both rotate.
    fn rotate_refresh(
        &self,
        presented: &TokenHash,
        replacement: &TokenHash,
        now: DateTime<Utc>,
    ) -> RepoResult<RefreshOutcome>;

    /// Revokes one session of `user` in `org`; false when there is no such active session.
    fn revoke(
        &self,
        org: OrganizationId,
        user: UserId,
        id: SessionId,
        reason: RevocationReason,
        now: DateTime<Utc>,
    ) -> RepoResult<bool>;

    /// Revokes every active session of the user except `keep`; returns how many ended.
    fn revoke_all_for_user(
        &self,
        org: OrganizationId,
        user: UserId,
        keep: Option<SessionId>,
        reason: RevocationReason,
        now: DateTime<Utc>,
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
