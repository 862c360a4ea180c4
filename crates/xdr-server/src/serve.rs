//! `mini-xdr serve`: start-up, the HTTP server, graceful shutdown.

use std::io;
use std::time::Duration;

use actix_web::HttpServer;
use thiserror::Error;
use tokio::signal::unix::{Signal, SignalKind, signal};
use xdr_http::Drain;

use crate::background;
use crate::config::Settings;
use crate::startup::{self, StartupError};
use crate::tls::{ServedTls, TlsFileError};
use crate::tls_reload::Hangups;

#[derive(Debug, Error)]
pub enum ServeError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: String, source: io::Error },
    #[error("cannot handle SIGTERM, SIGINT and SIGHUP: {0}")]
    Signals(io::Error),
    #[error("native TLS: {0}")]
    Tls(#[from] TlsFileError),
    #[error("server error: {0}")]
    Io(#[from] io::Error),
    #[error(transparent)]
    Lock(#[from] crate::backup::CopyError),
}

/// Runs until SIGTERM or SIGINT, then drains: `/readyz` answers 503 at once; after
/// `server.shutdown_delay_seconds` (default 0: at once) the listener closes, and requests in
/// flight get up to `server.shutdown_timeout_seconds` to finish before the workers are
/// stopped; then returns (exit status 0). With `[server.tls]` it answers HTTPS only, and
/// SIGHUP reloads the certificate ([`crate::tls_reload`]).
pub async fn serve(settings: Settings) -> Result<(), ServeError> {
    // Installed first, so that a signal during start-up is not lost (nor, for SIGHUP, fatal).
    let signals = ShutdownSignals::install().map_err(ServeError::Signals)?;
    let hangups = Hangups::install().map_err(ServeError::Signals)?;
    // Before the database: a certificate that cannot be served stops the start at once.
    let tls = ServedTls::load(&settings.server.tls)?;
    let tls_config = tls.as_ref().map(ServedTls::server_config).transpose()?;
    // Held until the process ends: `mini-xdr restore` refuses to replace the file meanwhile.
    let _serving = crate::backup::serving_lock(&settings)?;
    let database = startup::open_database(&settings, settings.server.run_migrations)?;
    let state = startup::app_state(&settings, &database)?;
    startup::check_vault(&state).await?;
    startup::resume_deliveries(&state);
    // Scans whose instance stopped or died (this one's last run included) are interrupted
    // once their claim runs out; other live instances' scans are left running.
    let scan_sweeps = state.onboarding.scan_sweeper().spawn();
    let checkpoints = background::spawn_checkpoints(&database);
    let sweeps = background::spawn_throttle_sweeps(&state);
    let nonce_sweeps = background::spawn_nonce_sweeps(&state);
    let event_prunes = background::spawn_event_prunes(&database, &settings.events);
    let bind = settings.server.bind;
    let grace = settings.server.shutdown_timeout();
    let delay = settings.server.shutdown_delay();
    let drain = state.drain.clone();
    let console = crate::console::console(&state);
    let server = HttpServer::new(move || {
        let console = console.clone();
        xdr_http::app_with(state.clone(), move |cfg| console.configure(cfg))
    })
    .workers(settings.server.effective_workers())
    .shutdown_timeout(grace.as_secs())
    .shutdown_signal(signals.drain_on_first(drain, delay, grace));
    let server = match tls_config {
        Some(config) => server.bind_rustls_0_23(bind, config),
        None => server.bind(bind),
    }
    .map_err(|source| ServeError::Bind {
        addr: bind.to_string(),
        source,
    })?;
    let served = tls.as_ref().map(ServedTls::served);
    for addr in server.addrs() {
        tracing::info!(
            address = %addr,
            backend = ?database.backend(),
            tls = served.is_some(),
            fingerprint = served.map(|s| s.fingerprint_text()).as_deref(),
            "mini-xdr listening"
        );
    }
    let reloads = hangups.spawn(tls);
    server.run().await?;
    reloads.abort();
    scan_sweeps.abort();
    checkpoints.abort();
    sweeps.abort();
    nonce_sweeps.abort();
    if let Some(prunes) = event_prunes {
        prunes.abort();
    }
    tracing::info!("mini-xdr stopped");
    Ok(())
}

/// SIGTERM (what `docker stop` and Kubernetes send) and SIGINT (Ctrl-C) both drain; actix's
/// own handling would stop at once on SIGINT.
struct ShutdownSignals {
    term: Signal,
    int: Signal,
}

impl ShutdownSignals {
    fn install() -> io::Result<Self> {
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Resolves on the first signal, once the server has been marked as draining and `delay`
    /// has passed (actix then stops accepting connections and waits for those in flight).
    /// The delay lets a load balancer see `/readyz` fail while the listener still answers.
    async fn drain_on_first(mut self, drain: Drain, delay: Duration, grace: Duration) {
        let name = tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        };
        drain.begin();
        tracing::info!(
            signal = name,
            delay_seconds = delay.as_secs(),
            grace_seconds = grace.as_secs(),
            "draining: readiness fails; then no new connections, requests in flight may finish"
        );
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}
