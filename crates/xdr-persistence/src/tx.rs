//! Transactions that read and then write.
//!
//! SQLite: a deferred transaction that reads first and writes later fails with
//! `SQLITE_BUSY_SNAPSHOT` in WAL mode when another connection wrote in between, without waiting
//! for the busy timeout. `BEGIN IMMEDIATE` takes the write lock up front (waiting for it), so
//! every read-modify-write transaction is serialized. PostgreSQL: a normal transaction; the
//! statements themselves lock what they must (`FOR UPDATE`, conditional `UPDATE`s).

use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
use diesel::result::Error as DieselError;
use xdr_domain::ports::RepoResult;

use crate::connection::AnyConnection;
use crate::error::db_error;

type AnyTransactionManager = <AnyConnection as Connection>::TransactionManager;

/// Runs `f` in a write transaction: committed when it returns `Ok`, rolled back otherwise.
pub(crate) fn write_transaction<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> RepoResult<T>,
) -> RepoResult<T> {
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c),
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
