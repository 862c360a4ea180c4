//! Transactions opened by the scopes (`database::scope`) with the SQL they choose.
//!
//! SQLite: a deferred transaction that reads first and writes later fails with
//! `SQLITE_BUSY_SNAPSHOT` in WAL mode when another connection wrote in between, without waiting
//! for the busy timeout. Read-modify-write scopes therefore begin with `BEGIN IMMEDIATE`, which
//! takes the write lock up front (waiting for it), so every such transaction is serialized.
//! PostgreSQL: `BEGIN` followed, in the same round trip, by the tenant setting; the statements
//! themselves lock what they must (`FOR UPDATE`, conditional `UPDATE`s).

use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};
use diesel::result::Error as DieselError;
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::db_error;

type AnyTransactionManager = <AnyConnection as Connection>::TransactionManager;

/// Runs `f` in a transaction opened by the statements `begin`: committed when it returns
/// `Ok`, rolled back otherwise.
pub(crate) fn transaction<T>(
    conn: &mut AnyConnection,
    begin: &str,
    f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
) -> RepoResult<T> {
    match conn {
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, begin),
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(c, begin)
            .inspect_err(|e| {
                // `begin` is several statements: when a later one failed, `BEGIN` has opened a
                // transaction that diesel does not know about. Close it before the connection
                // goes back to the pool. (Nothing was sent when diesel refused a nested one.)
                if !matches!(e, DieselError::AlreadyInTransaction) {
                    let _ = c.batch_execute("ROLLBACK");
                }
            }),
    }
    .map_err(db_error)?;
    match f(conn) {
        Ok(value) => {
            AnyTransactionManager::commit_transaction(conn).map_err(db_error)?;
            Ok(value)
        }
        Err(error) => match AnyTransactionManager::rollback_transaction(conn) {
            // A broken transaction manager makes the pool discard the connection; the
            // original error is the interesting one.
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
            Err(rollback) => {
                tracing::warn!(error = %rollback, "rollback failed; the connection will be discarded");
                Err(error)
            }
        },
    }
}
