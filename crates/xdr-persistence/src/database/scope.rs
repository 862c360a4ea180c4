//! Tenant scopes: how every repository method reaches a connection.
//!
//! PostgreSQL enforces row-level security on every tenant table (migration
//! `2026-11-23-000009_row_level_security`): a row is visible and writable only when its
//! organization is the transaction-local setting `app.organization_id`, or when
//! `app.cross_tenant` is `on`. Each scope below opens a transaction whose first statement sets
//! one of the two, sent together with `BEGIN` in one round trip, so a tenant read costs
//! `BEGIN; SET LOCAL ...`, the query and `COMMIT`. `SET LOCAL` ends with the transaction:
//! nothing carries over to the next user of the pooled connection.
//!
//! SQLite has no row-level security, and the scopes keep what the code did before them: reads
//! and single statements run without a transaction, `*_write` scopes in `BEGIN IMMEDIATE`.

use xdr_domain::OrganizationId;
use xdr_domain::ports::RepoResult;

use super::Database;
use crate::connection::AnyConnection;
use crate::tx;

/// Why an operation reads or writes across organizations: the complete list. Each one either
/// precedes any organization (the caller has only an email or a token) or spans them all
/// (operator commands). Adding one is a security decision: list it in docs/security.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CrossTenant {
    /// Registration creates the organization, and checks that its name and the admin's email
    /// are free in every organization.
    Registration,
    /// A user by email: sign-in, and an invitation's check that the email is free (emails are
    /// unique across organizations).
    UserByEmail,
    /// Refresh-token rotation: the token's hash is all the caller has.
    RefreshByTokenHash,
    /// Finding and accepting an invitation by its token's hash.
    InvitationByTokenHash,
    /// Audit retention: which organizations have entries older than the cutoff.
    AuditPrune,
    /// The vault's key versions: secrets sealed with an old key (`vault rewrap`) and the count
    /// of secrets per key version (start-up check, rewrap report).
    VaultKeyVersions,
    /// Webhook deliveries a stopped server left `pending`, re-queued at start-up (each is then
    /// finished in its own organization's scope).
    PendingDeliveries,
    /// Redeeming an enrollment token: its hash is all the agent has; the redemption itself
    /// then runs in the token's organization.
    EnrollmentByTokenHash,
    /// Verifying a signed agent request: the `X-Agent-Id` header is all the request has; the
    /// rest of the request runs in the agent's organization.
    AgentById,
    /// The periodic sweep: discovery scans whose instance stopped or died (their claim ran
    /// out) become `interrupted`.
    ScanInterruption,
    /// The periodic sweep of agent nonces too old to be replayed.
    NoncePrune,
    /// Event retention: which organizations have events older than the cutoff (each one is
    /// then pruned in its own tenant scope).
    EventPrune,
    /// An agentless request's ingest token: its hash is all the request has; the events it
    /// brings are then written in the token's organization.
    IngestByTokenHash,
    /// `GET /metrics`: totals over every organization (agents by status, audit entries
    /// written), counts only, never rows.
    Metrics,
}

impl CrossTenant {
    fn as_str(self) -> &'static str {
        match self {
            CrossTenant::Registration => "registration",
            CrossTenant::UserByEmail => "user_by_email",
            CrossTenant::RefreshByTokenHash => "refresh_by_token_hash",
            CrossTenant::InvitationByTokenHash => "invitation_by_token_hash",
            CrossTenant::AuditPrune => "audit_prune",
            CrossTenant::VaultKeyVersions => "vault_key_versions",
            CrossTenant::PendingDeliveries => "pending_deliveries",
            CrossTenant::EnrollmentByTokenHash => "enrollment_by_token_hash",
            CrossTenant::AgentById => "agent_by_id",
            CrossTenant::ScanInterruption => "scan_interruption",
            CrossTenant::NoncePrune => "nonce_prune",
            CrossTenant::EventPrune => "event_prune",
            CrossTenant::IngestByTokenHash => "ingest_by_token_hash",
            CrossTenant::Metrics => "metrics",
        }
    }
}

/// What row-level security lets a PostgreSQL transaction see.
enum Setting {
    Organization(OrganizationId),
    CrossTenant,
    /// No tenant row at all.
    Untenanted,
}

impl Setting {
    /// `BEGIN` and the setting, as one batch. The organization id is written into the SQL:
    /// it is a UUID, whose text form is hex digits and hyphens only.
    fn begin_postgres(&self) -> String {
        match self {
            Setting::Organization(org) => format!(
                "BEGIN; SET LOCAL app.organization_id = '{}'",
                org.as_uuid().hyphenated()
            ),
            Setting::CrossTenant => "BEGIN; SET LOCAL app.cross_tenant = 'on'".to_owned(),
            Setting::Untenanted => "BEGIN".to_owned(),
        }
    }
}

/// Whether the closure reads and then writes (SQLite needs the write lock up front for that).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Reads, or writes in a single statement.
    Plain,
    /// Reads, then writes based on what it read.
    ReadModifyWrite,
}

const SQLITE_WRITE_BEGIN: &str = "BEGIN IMMEDIATE";

impl Database {
    /// Runs `f` on the data of `org` only: reads, and single-statement writes.
    pub(crate) fn tenant<T>(
        &self,
        org: OrganizationId,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        self.scoped(Setting::Organization(org), Mode::Plain, f)
    }

    /// Runs `f` on the data of `org` only, in a transaction that reads and then writes.
    pub(crate) fn tenant_write<T>(
        &self,
        org: OrganizationId,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        self.scoped(Setting::Organization(org), Mode::ReadModifyWrite, f)
    }

    /// Runs `f` on the data of every organization, for `reason` only.
    pub(crate) fn cross_tenant<T>(
        &self,
        reason: CrossTenant,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        tracing::trace!(reason = reason.as_str(), "cross-tenant scope");
        self.scoped(Setting::CrossTenant, Mode::Plain, f)
    }

    /// `cross_tenant` in a transaction that reads and then writes.
    pub(crate) fn cross_tenant_write<T>(
        &self,
        reason: CrossTenant,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        tracing::trace!(reason = reason.as_str(), "cross-tenant scope");
        self.scoped(Setting::CrossTenant, Mode::ReadModifyWrite, f)
    }

    /// Runs `f` outside any tenant: for tables that hold no tenant data (`login_throttles`) and
    /// statements that read no table (health). Tenant tables show no rows here.
    pub(crate) fn untenanted<T>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        f(&mut *self.conn()?)
    }

    /// `untenanted` in a transaction that reads and then writes.
    pub(crate) fn untenanted_write<T>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        self.scoped(Setting::Untenanted, Mode::ReadModifyWrite, f)
    }

    /// Every row, as someone holding the application's database credentials could see them
    /// (the tamper tests of `test_support`).
    #[cfg(feature = "test-support")]
    pub(crate) fn unrestricted_for_tests<T>(
        &self,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        self.scoped(Setting::CrossTenant, Mode::Plain, f)
    }

    fn scoped<T>(
        &self,
        setting: Setting,
        mode: Mode,
        f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
    ) -> RepoResult<T> {
        if let Some(writer) = &self.sqlite_writer
            && mode == Mode::ReadModifyWrite
        {
            // Queue for the writer connection in this process (see `sqlite_writer`), then
            // take SQLite's write lock.
            let mut conn = writer.connection()?;
            return tx::transaction(&mut conn, SQLITE_WRITE_BEGIN, f);
        }
        let mut conn = self.conn()?;
        let begin = match &*conn {
            AnyConnection::Postgresql(_) => setting.begin_postgres(),
            AnyConnection::Sqlite(_) => return f(&mut conn),
        };
        tx::transaction(&mut conn, &begin, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_organization_is_set_for_the_transaction_only() {
        let org: OrganizationId = "0190f1c2-7a3b-7cde-8f01-23456789abcd".parse().unwrap();
        assert_eq!(
            Setting::Organization(org).begin_postgres(),
            "BEGIN; SET LOCAL app.organization_id = '0190f1c2-7a3b-7cde-8f01-23456789abcd'"
        );
        assert_eq!(
            Setting::CrossTenant.begin_postgres(),
            "BEGIN; SET LOCAL app.cross_tenant = 'on'"
        );
    }
}
