//! Storage for Mini-XDR: diesel schema, models and repositories for SQLite and PostgreSQL.
//!
//! One code path serves both backends through [`AnyConnection`] (a diesel `MultiConnection`);
//! backend-specific code exists only where the backends really differ (locking, upserts,
//! transaction start, migrations).
//!
//! ```no_run
//! # fn main() -> Result<(), xdr_persistence::PersistenceError> {
//! use std::sync::Arc;
//! use xdr_domain::ports::UserRepository;
//! use xdr_persistence::{Database, DatabaseConfig};
//!
//! let db = Database::connect(&DatabaseConfig::new("sqlite://data/mini-xdr.db"))?;
//! db.run_pending_migrations()?;
//! let users: Arc<dyn UserRepository> = db.repositories().users;
//! # Ok(()) }
//! ```

pub mod backup;
mod config;
mod connection;
mod database;
mod db_time;
mod error;
mod migrations;
mod models;
mod pool;
mod pool_stats;
mod repos;
pub mod schema;
mod time;
mod tx;

#[cfg(feature = "test-support")]
pub mod test_support;

pub use config::{Backend, DEFAULT_SQLITE_CACHE_KIB, DEFAULT_SQLITE_MMAP_MIB, DatabaseConfig};
pub use connection::AnyConnection;
pub use database::{Database, Repositories};
pub use error::PersistenceError;
pub use repos::SqlAgentRepository;
pub use repos::SqlOnboardingRepository;
pub use repos::{
    SqlAuditLogRepository, SqlContainmentRepository, SqlCredentialRepository,
    SqlDetectionRepository, SqlInventoryRepository, SqlInvitationRepository,
    SqlLoginThrottleRepository, SqlOrganizationRepository, SqlSessionRepository, SqlUserRepository,
};
