//! What runs in the background of `serve`, off the request path: WAL checkpoints and the
//! sweeps of expired lockout states and agent nonces. Each returns its handle; `serve` aborts
//! them at shutdown.

use xdr_http::AppState;
use xdr_persistence::Database;

/// How often SQLite's write-ahead log is checkpointed in the background.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Checkpoints SQLite's write-ahead log in the background (see `Database::checkpoint`); a
/// no-op task on PostgreSQL. Abort the handle at shutdown.
pub fn spawn_checkpoints(database: &Database) -> actix_web::rt::task::JoinHandle<()> {
    let database = database.clone();
    actix_web::rt::spawn(async move {
        if database.backend() != xdr_persistence::Backend::Sqlite {
            return;
        }
        let mut every = actix_web::rt::time::interval(CHECKPOINT_EVERY);
        loop {
            every.tick().await;
            let db = database.clone();
            match actix_web::rt::task::spawn_blocking(move || db.checkpoint()).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(error = %error, "WAL checkpoint failed"),
                Err(error) => tracing::warn!(error = %error, "WAL checkpoint task failed"),
            }
        }
    })
}

/// How often lockout states that are over are deleted, and how many per sweep.
const THROTTLE_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(300);
const THROTTLE_SWEEP_BATCH: usize = 1000;

/// Deletes lockout states that are over in the background (attempts on random emails would
/// otherwise grow `login_throttles` forever), in small batches off the request path. Abort
/// the handle at shutdown.
pub fn spawn_throttle_sweeps(state: &AppState) -> actix_web::rt::task::JoinHandle<()> {
    let auth = std::sync::Arc::clone(&state.auth);
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(THROTTLE_SWEEP_EVERY);
        loop {
            every.tick().await;
            loop {
                match auth.prune_login_throttles(THROTTLE_SWEEP_BATCH).await {
                    Ok(n) if n == THROTTLE_SWEEP_BATCH => continue,
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!(error = %error, "lockout state sweep failed");
                        break;
                    }
                }
            }
        }
    })
}

/// How often agent nonces past the replay window are deleted.
const NONCE_SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Deletes, every minute, agent nonces too old to be replayed. Abort the handle at shutdown.
pub fn spawn_nonce_sweeps(state: &AppState) -> actix_web::rt::task::JoinHandle<()> {
    let agents = std::sync::Arc::clone(&state.agents);
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(NONCE_SWEEP_EVERY);
        loop {
            every.tick().await;
            if let Err(error) = agents.prune_nonces().await {
                tracing::warn!(error = %error, "agent nonce sweep failed");
            }
        }
    })
}
