//! `mini-xdr serve`: start-up, the HTTP server, graceful shutdown.

use std::io;

use actix_web::HttpServer;
use thiserror::Error;

use crate::config::Settings;
use crate::startup::{self, StartupError};

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: String, source: io::Error },
    #[error("server error: {0}")]
    Io(#[from] io::Error),
}

/// Runs until SIGINT or SIGTERM, then stops accepting connections and lets in-flight requests
/// finish (up to `server.shutdown_timeout_seconds`).
pub async fn serve(settings: Settings) -> Result<(), ServeError> {
    let database = startup::open_database(&settings, settings.server.run_migrations)?;
    let state = startup::app_state(&settings, &database)?;
    startup::check_vault(&state).await?;
    startup::resume_deliveries(&state);
    startup::interrupt_scans(&database)?;
    let checkpoints = startup::spawn_checkpoints(&database);
    let sweeps = startup::spawn_throttle_sweeps(&state);
    let nonce_sweeps = startup::spawn_nonce_sweeps(&state);
    let bind = settings.server.bind;
    let server = HttpServer::new(move || xdr_http::app(state.clone()))
        .workers(settings.server.effective_workers())
        .shutdown_timeout(settings.server.shutdown_timeout().as_secs())
        .bind(bind)
        .map_err(|source| ServeError::Bind {
            addr: bind.to_string(),
            source,
        })?;
    for addr in server.addrs() {
        tracing::info!(address = %addr, backend = ?database.backend(), "mini-xdr listening");
    }
    server.run().await?;
    checkpoints.abort();
    sweeps.abort();
    nonce_sweeps.abort();
    tracing::info!("mini-xdr stopped");
    Ok(())
}
