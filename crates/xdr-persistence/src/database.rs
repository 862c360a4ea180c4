//! `Database`: the pool, its backend, migrations, and the repositories built on it. Repositories
//! reach a connection only through the tenant scopes of `scope`.

mod row_security;
mod scope;
mod sqlite_writer;

use std::sync::Arc;

use xdr_domain::ports::{
    AuditLogRepository, ContainmentRepository, CredentialRepository, DetectionRepository,
    HealthCheck, InventoryRepository, InvitationRepository, LoginThrottleRepository,
    OrganizationRepository, RepoResult, SessionRepository, UserRepository, WebhookRepository,
};

use xdr_domain::telemetry::{PoolSnapshot, PoolStats};

use crate::config::{Backend, DatabaseConfig, Target};
use crate::connection::AnyConnection;
use crate::error::{PersistenceError, pool_error};
use crate::pool::{self, AnyPool, AnyPooledConnection};
use crate::pool_stats::PoolWaits;
use crate::repos::{
    SqlAuditLogRepository, SqlContainmentRepository, SqlCredentialRepository,
    SqlDetectionRepository, SqlInventoryRepository, SqlInvitationRepository,
    SqlLoginThrottleRepository, SqlOrganizationRepository, SqlSessionRepository, SqlUserRepository,
    SqlWebhookRepository,
};
use crate::{migrations, repos};

pub(crate) use scope::CrossTenant;

/// A pool of connections to one database. Cheap to clone (clones share the pool).
#[derive(Clone)]
pub struct Database {
    pool: AnyPool,
    /// What callers of `pool` waited (`/metrics`).
    pool_waits: Arc<PoolWaits>,
    backend: Backend,
    /// SQLite only: the one connection read-modify-write transactions take in turn.
    sqlite_writer: Option<sqlite_writer::SqliteWriter>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("pool", &self.pool.state())
            .finish()
    }
}

/// Every port this crate implements, ready to hand to the use cases.
#[derive(Clone)]
pub struct Repositories {
    pub organizations: Arc<dyn OrganizationRepository>,
    pub users: Arc<dyn UserRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub login_throttle: Arc<dyn LoginThrottleRepository>,
    pub invitations: Arc<dyn InvitationRepository>,
    pub detection: Arc<dyn DetectionRepository>,
    pub containment: Arc<dyn ContainmentRepository>,
    pub credentials: Arc<dyn CredentialRepository>,
    pub audit: Arc<dyn AuditLogRepository>,
    pub inventory: Arc<dyn InventoryRepository>,
    pub webhooks: Arc<dyn WebhookRepository>,
    pub health: Arc<dyn HealthCheck>,
}

impl std::fmt::Debug for Repositories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repositories").finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the pool (and one connection, so that an unreachable database fails here). For
    /// SQLite the file's directory is created. Does not run migrations.
    pub fn connect(config: &DatabaseConfig) -> Result<Database, PersistenceError> {
        let target = Target::parse(&config.url)?;
        let backend = target.backend();
        let sqlite_writer = match &target {
            Target::Sqlite(_) => Some(sqlite_writer::SqliteWriter::open(config, target.clone())?),
            Target::Postgres(_) => None,
        };
        let pool_waits = Arc::default();
        let pool = pool::build(config, target, &pool_waits)?;
        // Fail here, not on the first request, when the database is unreachable.
        drop(pool.get()?);
        Ok(Database {
            pool,
            pool_waits,
            backend,
            sqlite_writer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations not applied yet; returns their names, oldest first.
    pub fn run_pending_migrations(&self) -> Result<Vec<String>, PersistenceError> {
        let mut conn = self.pool.get()?;
        migrations::run_pending(&mut conn)
    }

    /// Reverts every applied migration (drops every table). For tests and operators only.
    pub fn revert_all_migrations(&self) -> Result<Vec<String>, PersistenceError> {
        let mut conn = self.pool.get()?;
        migrations::revert(&mut conn)
    }

    /// Copies what SQLite's write-ahead log holds into the database file, without waiting for
    /// readers or writers (`PRAGMA wal_checkpoint(PASSIVE)`). The server calls it a few times a
    /// second off the request path, so that writers (one at a time) do not pay for checkpoints
    /// in their commits; SQLite still checkpoints by itself past `wal_autocheckpoint` pages.
    /// Nothing to do on PostgreSQL.
    pub fn checkpoint(&self) -> Result<(), PersistenceError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let mut conn = self.pool.get()?;
        if let AnyConnection::Sqlite(lite) = &mut *conn {
            use diesel::connection::SimpleConnection;
            lite.batch_execute("PRAGMA wal_checkpoint(PASSIVE);")?;
        }
        Ok(())
    }

    pub fn organizations(&self) -> SqlOrganizationRepository {
        SqlOrganizationRepository::new(self.clone())
    }

    pub fn users(&self) -> SqlUserRepository {
        SqlUserRepository::new(self.clone())
    }

    pub fn sessions(&self) -> SqlSessionRepository {
        SqlSessionRepository::new(self.clone())
    }

    pub fn login_throttle(&self) -> SqlLoginThrottleRepository {
        SqlLoginThrottleRepository::new(self.clone())
    }

    pub fn invitations(&self) -> SqlInvitationRepository {
        SqlInvitationRepository::new(self.clone())
    }

    pub fn detection(&self) -> SqlDetectionRepository {
        SqlDetectionRepository::new(self.clone())
    }

    pub fn credentials(&self) -> SqlCredentialRepository {
        SqlCredentialRepository::new(self.clone())
    }

    pub fn audit(&self) -> SqlAuditLogRepository {
        SqlAuditLogRepository::new(self.clone())
    }

    pub fn inventory(&self) -> SqlInventoryRepository {
        SqlInventoryRepository::new(self.clone())
    }

    pub fn ingest(&self) -> crate::repos::SqlIngestRepository {
        crate::repos::SqlIngestRepository::new(self.clone())
    }

    pub fn agents(&self) -> crate::repos::SqlAgentRepository {
        crate::repos::SqlAgentRepository::new(self.clone())
    }

    pub fn onboarding(&self) -> crate::repos::SqlOnboardingRepository {
        crate::repos::SqlOnboardingRepository::new(self.clone())
    }

    pub fn webhooks(&self) -> SqlWebhookRepository {
        SqlWebhookRepository::new(self.clone())
    }

    /// All repositories as trait objects.
    pub fn repositories(&self) -> Repositories {
        Repositories {
            organizations: Arc::new(self.organizations()),
            users: Arc::new(self.users()),
            sessions: Arc::new(self.sessions()),
            login_throttle: Arc::new(self.login_throttle()),
            invitations: Arc::new(self.invitations()),
            detection: Arc::new(self.detection()),
            containment: Arc::new(SqlContainmentRepository::new(self.clone())),
            credentials: Arc::new(self.credentials()),
            audit: Arc::new(self.audit()),
            inventory: Arc::new(self.inventory()),
            webhooks: Arc::new(self.webhooks()),
            health: Arc::new(self.clone()),
        }
    }

    /// On PostgreSQL, the name of the role this pool connects as when row-level security does
    /// not apply to it (a superuser or a `BYPASSRLS` role): the organization filter of the
    /// repositories is then the only tenant wall. `None` for other roles and on SQLite.
    pub fn role_bypassing_row_security(&self) -> Result<Option<String>, PersistenceError> {
        let mut conn = self.pool.get()?;
        match &mut *conn {
            AnyConnection::Postgresql(pg) => row_security::bypassing_role(pg),
            AnyConnection::Sqlite(_) => Ok(None),
        }
    }

    /// A pooled connection; waiting longer than the connect timeout is "unavailable". Private:
    /// repositories go through a scope (`scope`).
    fn conn(&self) -> RepoResult<AnyPooledConnection> {
        self.pool.get().map_err(pool_error)
    }
}

impl PoolStats for Database {
    /// The shared pool (`main`) and, on SQLite, the one writer connection.
    fn pool_snapshots(&self) -> Vec<PoolSnapshot> {
        let mut pools = vec![self.pool_waits.snapshot("main", &self.pool)];
        pools.extend(self.sqlite_writer.as_ref().map(|w| w.snapshot()));
        pools
    }
}

impl HealthCheck for Database {
    fn ping(&self) -> RepoResult<()> {
        repos::health::ping(self)
    }
}
