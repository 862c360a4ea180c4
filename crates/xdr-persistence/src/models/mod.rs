//! Rows as stored, and their conversion to and from domain values. A stored value that does not
//! make a valid domain value is `RepoError::Corrupt`.
//!
//! Queries select explicit column tuples (`ORGANIZATION_COLUMNS`...) rather than
//! `Row::as_select()`: a tuple of columns works on every backend, while `as_select()` is typed on
//! the multi-backend and cannot be handed to SQLite or PostgreSQL inside a `RETURNING` clause.

pub(crate) mod agent;
mod audit;
mod containment;
mod credential;
mod credential_secret;
mod event;
mod incident;
pub(crate) mod ingest;
mod inventory;
mod invitation;
pub(crate) mod onboarding;
mod organization;
mod session;
mod throttle;
mod user;
mod webhook;

pub(crate) use audit::{AUDIT_COLUMNS, AnchorRow, AuditRow, ChainHeadRow};
pub(crate) use containment::{ACTION_COLUMNS, ActionRow, POLICY_COLUMNS, PolicyRow};
pub(crate) use credential::{
    CREDENTIAL_COLUMNS, CredentialChangeset, CredentialRow, NewCredentialRow,
};
pub(crate) use credential_secret::{
    NewSecretRow, SEALED_RECORD_COLUMNS, SECRET_COLUMNS, SealedRecordRow, SecretRow, key_version,
    sealed_secrets,
};
pub(crate) use event::{EVENT_COLUMNS, EventRow, FACT_COLUMNS, facts};
pub(crate) use incident::{INCIDENT_COLUMNS, IncidentRow};
pub(crate) use inventory::{LOG_SOURCE_COLUMNS, LogSourceRow, ML_MODEL_COLUMNS, MlModelRow};
pub(crate) use invitation::{INVITATION_COLUMNS, InvitationRow, NewInvitationRow};
pub(crate) use organization::{NewOrganizationRow, ORGANIZATION_COLUMNS, OrganizationRow};
pub(crate) use session::{NewSessionRow, RetiredTokenRow, SESSION_COLUMNS, SessionRow};
pub(crate) use throttle::{THROTTLE_COLUMNS, ThrottleRow};
pub(crate) use user::{NewUserRow, USER_COLUMNS, UserRow};
pub(crate) use webhook::{SEALED_WEBHOOK_COLUMNS, SealedWebhookRow, WEBHOOK_COLUMNS, WebhookRow};

use std::str::FromStr;

use xdr_domain::RepoError;

use crate::error::corrupt;

/// Parses a stored value (an id, a role...) or reports which column holds garbage.
pub(crate) fn parse_stored<T>(raw: &str, column: &str) -> Result<T, RepoError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    raw.parse().map_err(|e| corrupt(column, e))
}
