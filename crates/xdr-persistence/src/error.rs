//! This crate's errors, and how diesel and pool errors become the domain's `RepoError`.

use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as DieselError};
use xdr_domain::{Conflict, RepoError};

/// Failures of setting up storage: bad URL, unreachable database, failed migration.
#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    #[error("unsupported database URL scheme `{0}` (expected sqlite, postgres or postgresql)")]
    UnsupportedScheme(String),
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot create the directory for the SQLite database: {0}")]
    CreateDirectory(#[source] std::io::Error),
    #[error("cannot open a database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Query(#[from] DieselError),
}

impl From<PersistenceError> for RepoError {
    fn from(e: PersistenceError) -> Self {
        match e {
            PersistenceError::Pool(e) => RepoError::Unavailable(e.to_string()),
            PersistenceError::Query(e) => db_error(e),
            other => RepoError::Internal(other.to_string()),
        }
    }
}

pub(crate) const UQ_USERS_EMAIL: &str = "uq_users_email";
pub(crate) const UQ_ORGANIZATIONS_NAME_KEY: &str = "uq_organizations_name_key";
pub(crate) const UQ_ORGANIZATIONS_SLUG: &str = "uq_organizations_slug";
pub(crate) const UQ_INVITATIONS_OPEN_EMAIL: &str = "uq_invitations_open_email";
pub(crate) const UQ_CONTAINMENT_POLICIES_NAME: &str = "uq_containment_policies_name";
pub(crate) const UQ_LOG_SOURCES_NAME: &str = "uq_log_sources_name";
pub(crate) const UQ_ML_MODELS_NAME_VERSION: &str = "uq_ml_models_name_version";
/// A partial unique index: at most one queued or running scan per organization.
pub(crate) const UQ_DISCOVERY_SCANS_ACTIVE: &str = "uq_discovery_scans_active";

/// Unique constraints the code reacts to: (PostgreSQL constraint name, SQLite `table.column`).
const KNOWN_UNIQUES: [(&str, &str); 8] = [
    (UQ_CONTAINMENT_POLICIES_NAME, "containment_policies.name"),
    (UQ_DISCOVERY_SCANS_ACTIVE, "discovery_scans.organization_id"),
    (UQ_INVITATIONS_OPEN_EMAIL, "invitations.email"),
    (UQ_LOG_SOURCES_NAME, "log_sources.name"),
    (UQ_ML_MODELS_NAME_VERSION, "ml_models.version"),
    (UQ_USERS_EMAIL, "users.email"),
    (UQ_ORGANIZATIONS_NAME_KEY, "organizations.name_key"),
    (UQ_ORGANIZATIONS_SLUG, "organizations.slug"),
];

/// Which unique constraint a violation broke. PostgreSQL names the constraint; SQLite only says
/// `UNIQUE constraint failed: table.column` in its message.
fn violated_constraint(info: &dyn DatabaseErrorInformation) -> String {
    if let Some(name) = info.constraint_name() {
        return name.to_owned();
    }
    let message = info.message();
    for (name, column) in KNOWN_UNIQUES {
        let listed = message
            .rsplit_once(':')
            .map(|(_, cols)| cols.split(',').any(|c| c.trim() == column));
        if listed == Some(true) {
            return name.to_owned();
        }
    }
    message.to_owned()
}

fn conflict(info: &dyn DatabaseErrorInformation) -> Conflict {
    let constraint = violated_constraint(info);
    match constraint.as_str() {
        UQ_USERS_EMAIL => Conflict::EmailTaken,
        UQ_ORGANIZATIONS_NAME_KEY => Conflict::OrganizationExists,
        UQ_INVITATIONS_OPEN_EMAIL => Conflict::InvitationPending,
        UQ_LOG_SOURCES_NAME => Conflict::LogSourceExists,
        UQ_ML_MODELS_NAME_VERSION => Conflict::MlModelExists,
        UQ_CONTAINMENT_POLICIES_NAME => Conflict::PolicyExists,
        UQ_DISCOVERY_SCANS_ACTIVE => Conflict::ScanRunning,
        _ => Conflict::Other(constraint),
    }
}

/// Maps a diesel error to the port's error. Unique violations become conflicts; a closed
/// connection or a database locked for longer than the busy timeout is "unavailable".
pub(crate) fn db_error(e: DieselError) -> RepoError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            RepoError::Conflict(conflict(info.as_ref()))
        }
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
            RepoError::Unavailable(info.message().to_owned())
        }
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
            RepoError::Unavailable(format!("transaction conflict: {}", info.message()))
        }
        DieselError::DatabaseError(_, info) if is_sqlite_busy(info.message()) => {
            RepoError::Unavailable(info.message().to_owned())
        }
        DieselError::DeserializationError(e) => RepoError::Corrupt(e.to_string()),
        other => RepoError::Internal(other.to_string()),
    }
}

fn is_sqlite_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database table is locked")
}

pub(crate) fn pool_error(e: diesel::r2d2::PoolError) -> RepoError {
    RepoError::Unavailable(e.to_string())
}

pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> RepoError {
    RepoError::Corrupt(format!("{what}: {detail}"))
}

/// `.repo()` turns a diesel result into a port result.
pub(crate) trait DbResultExt<T> {
    fn repo(self) -> Result<T, RepoError>;
}

impl<T> DbResultExt<T> for Result<T, DieselError> {
    fn repo(self) -> Result<T, RepoError> {
        self.map_err(db_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Info {
        message: &'static str,
        constraint: Option<&'static str>,
    }

    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.message
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            self.constraint
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn unique(message: &'static str, constraint: Option<&'static str>) -> RepoError {
        let info = Info {
            message,
            constraint,
        };
        db_error(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new(info),
        ))
    }

    #[test]
    fn unique_violations_are_conflicts_on_both_backends() {
        let sqlite = unique("UNIQUE constraint failed: users.email", None);
        assert!(matches!(sqlite, RepoError::Conflict(Conflict::EmailTaken)));
        let pg = unique("duplicate key", Some("uq_organizations_name_key"));
        assert!(matches!(
            pg,
            RepoError::Conflict(Conflict::OrganizationExists)
        ));
        let slug = unique("UNIQUE constraint failed: organizations.slug", None);
        assert!(
            matches!(slug, RepoError::Conflict(Conflict::Other(ref s)) if s == UQ_ORGANIZATIONS_SLUG)
        );
        let source = unique(
            "UNIQUE constraint failed: log_sources.organization_id, log_sources.name",
            None,
        );
        assert!(matches!(
            source,
            RepoError::Conflict(Conflict::LogSourceExists)
        ));
        let model = unique("duplicate key", Some("uq_ml_models_name_version"));
        assert!(matches!(
            model,
            RepoError::Conflict(Conflict::MlModelExists)
        ));
        let policy = unique(
            "UNIQUE constraint failed: containment_policies.organization_id, containment_policies.name",
            None,
        );
        assert!(matches!(
            policy,
            RepoError::Conflict(Conflict::PolicyExists)
        ));
        let policy = unique("duplicate key", Some(UQ_CONTAINMENT_POLICIES_NAME));
        assert!(matches!(
            policy,
            RepoError::Conflict(Conflict::PolicyExists)
        ));
        let scan = unique(
            "UNIQUE constraint failed: discovery_scans.organization_id",
            None,
        );
        assert!(matches!(scan, RepoError::Conflict(Conflict::ScanRunning)));
        let scan = unique("duplicate key", Some(UQ_DISCOVERY_SCANS_ACTIVE));
        assert!(matches!(scan, RepoError::Conflict(Conflict::ScanRunning)));
        let other = unique("UNIQUE constraint failed: sessions.id", None);
        assert!(matches!(other, RepoError::Conflict(Conflict::Other(_))));
    }

    #[test]
    fn sqlite_busy_is_unavailable() {
        let e = DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new(Info {
                message: "database is locked",
                constraint: None,
            }),
        );
        assert!(matches!(db_error(e), RepoError::Unavailable(_)));
    }
}
