//! Database configuration: a plain value handed down by the server (no env vars read here).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::PersistenceError;

pub const DEFAULT_POOL_SIZE: u32 = 10;
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// SQLite's page cache per connection, in KiB (filled as pages are read; up to this much for
/// each of the pool's connections and the writer's).
pub const DEFAULT_SQLITE_CACHE_KIB: u32 = 16 * 1024;
/// How much of the SQLite file each connection maps into memory, in MiB (`0`: none, every
/// page is read through the cache). Mapped pages are the OS's page cache: they show in RSS as
/// file-backed and are shared by the connections.
pub const DEFAULT_SQLITE_MMAP_MIB: u32 = 1024;

/// Where the database is and how to pool connections to it.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` (or `sqlite:PATH`; relative paths allowed), `postgres://...` or
    /// `postgresql://...`.
    pub url: String,
    /// Most connections the pool opens.
    pub pool_size: u32,
    /// How long getting a connection from the pool may take before storage is "unavailable".
    pub connect_timeout: Duration,
    /// How long a SQLite connection waits for a lock held by another connection.
    pub sqlite_busy_timeout: Duration,
    /// SQLite's page cache per connection, in KiB (`PRAGMA cache_size`).
    pub sqlite_cache_kib: u32,
    /// SQLite's memory-mapped I/O per connection, in MiB (`PRAGMA mmap_size`; 0: off).
    pub sqlite_mmap_mib: u32,
}

impl DatabaseConfig {
    /// A configuration with the default pool size and timeouts.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pool_size: DEFAULT_POOL_SIZE,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            sqlite_busy_timeout: DEFAULT_SQLITE_BUSY_TIMEOUT,
            sqlite_cache_kib: DEFAULT_SQLITE_CACHE_KIB,
            sqlite_mmap_mib: DEFAULT_SQLITE_MMAP_MIB,
        }
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact_url(&self.url))
            .field("pool_size", &self.pool_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("sqlite_busy_timeout", &self.sqlite_busy_timeout)
            .field("sqlite_cache_kib", &self.sqlite_cache_kib)
            .field("sqlite_mmap_mib", &self.sqlite_mmap_mib)
            .finish()
    }
}

/// The URL with any password replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Which database a [`crate::Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Target, PersistenceError> {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(PersistenceError::InvalidUrl(
                "expected a URL such as sqlite://PATH or postgres://HOST/DB".into(),
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() {
                    return Err(PersistenceError::InvalidUrl(
                        "sqlite URL has no file path".into(),
                    ));
                }
                if path.contains(":memory:") || path.starts_with("file:") {
                    return Err(PersistenceError::InvalidUrl(
                        "sqlite URL must name a file (in-memory databases cannot be pooled)".into(),
                    ));
                }
                Ok(Target::Sqlite(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => Ok(Target::Postgres(url.to_owned())),
            other => Err(PersistenceError::UnsupportedScheme(other.to_owned())),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Target::Sqlite(_) => Backend::Sqlite,
            Target::Postgres(_) => Backend::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls() {
        assert_eq!(
            Target::parse("sqlite://data/x.db").unwrap(),
            Target::Sqlite("data/x.db".into())
        );
        assert_eq!(
            Target::parse("sqlite:data/x.db").unwrap(),
            Target::Sqlite("data/x.db".into())
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/x.db").unwrap(),
            Target::Sqlite("/var/lib/x.db".into())
        );
        assert!(matches!(
            Target::parse("sqlite://"),
            Err(PersistenceError::InvalidUrl(_))
        ));
        assert!(matches!(
            Target::parse("sqlite://:memory:"),
            Err(PersistenceError::InvalidUrl(_))
        ));
    }

    #[test]
    fn postgres_urls() {
        for url in [
            "postgres://u@h/db",
            "postgresql://u:p@h:5432/db?sslmode=disable",
        ] {
            assert_eq!(Target::parse(url).unwrap(), Target::Postgres(url.into()));
            assert_eq!(Target::parse(url).unwrap().backend(), Backend::Postgres);
        }
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(matches!(
            Target::parse("mysql://h/db"),
            Err(PersistenceError::UnsupportedScheme(s)) if s == "mysql"
        ));
        assert!(matches!(
            Target::parse("just-a-path.db"),
            Err(PersistenceError::InvalidUrl(_))
        ));
    }

    #[test]
    fn debug_redacts_the_password() {
        let c = DatabaseConfig::new("postgres://app:s3cret@db:5432/xdr");
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://app:***@db:5432/xdr"), "{shown}");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
