//! What runs in the background of `serve`, off the request path: WAL checkpoints, the sweeps
//! of expired lockout states and agent nonces, and event retention. Each returns its handle;
//! `serve` aborts them at shutdown.

use std::sync::Arc;

use xdr_domain::ports::EventRetentionRepository;
use xdr_http::AppState;
use xdr_persistence::Database;

use crate::config::EventSettings;
use crate::events_prune::{self, Batches};

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

/// With `events.retention_days` set: at start and then every `events.prune_interval_seconds`
/// (counted from the end of the previous sweep), deletes the events past their retention in
/// batches of `events.prune_batch_size` with `events.prune_pause_ms` between them, each batch
/// on the blocking pool. `None` when retention is off. Abort the handle at shutdown (between
/// two batches: a batch in flight finishes, its transaction is short).
pub fn spawn_event_prunes(
    database: &Database,
    settings: &EventSettings,
) -> Option<actix_web::rt::task::JoinHandle<()>> {
    let days = settings.retention_days?;
    let repo: Arc<dyn EventRetentionRepository> = Arc::new(database.detection());
    let batches = Batches {
        size: settings.prune_batch_size,
        pause: settings.prune_pause(),
    };
    let every = settings.prune_interval();
    Some(actix_web::rt::spawn(async move {
        loop {
            let before = crate::audit_prune::cutoff(chrono::Utc::now(), days);
            if let Err(error) = events_prune::prune(Arc::clone(&repo), before, batches).await {
                tracing::warn!(error = %error, "event prune failed; it runs again at the next interval");
            }
            actix_web::rt::time::sleep(every).await;
        }
    }))
}
