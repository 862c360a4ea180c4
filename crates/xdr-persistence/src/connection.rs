//! One connection type for both backends.

use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;

/// A connection to either backend. Queries written with the diesel DSL against this type run
/// unchanged on both; match on the variant only where the SQL really differs.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

impl std::fmt::Debug for AnyConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnyConnection::Postgresql(_) => f.write_str("AnyConnection::Postgresql"),
            AnyConnection::Sqlite(_) => f.write_str("AnyConnection::Sqlite"),
        }
    }
}
