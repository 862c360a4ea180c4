//! Runs synchronous storage calls on the blocking pool so async workers never wait on I/O.
//! The caller's tracing span goes along, so that what the storage logs carries the request id.

use xdr_domain::RepoError;

/// Runs `job` on the blocking pool. A job that panicked or was cancelled is an internal error.
pub async fn run<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, RepoError> + Send + 'static,
) -> Result<T, RepoError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(job))
        .await
        .map_err(|e| RepoError::Internal(format!("storage task failed: {e}")))?
}

/// [`run`] for jobs with their own error type (a failed task is a storage-internal error).
pub async fn run_with<T: Send + 'static, E: From<RepoError> + Send + 'static>(
    job: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(job))
        .await
        .map_err(|e| E::from(RepoError::Internal(format!("storage task failed: {e}"))))?
}
