//! SIGHUP reloads the served certificate: `kill -HUP <pid>` (or a certbot deploy hook) after
//! the files of `[server.tls]` were replaced. New handshakes present the new certificate at
//! once; established connections are not touched. A certificate or key that cannot be used is
//! logged and the old one stays in service.
//!
//! SIGHUP's default action ends the process, so the handler is installed whether or not TLS is
//! configured: without TLS a SIGHUP is logged and otherwise ignored.

use std::io;

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::tls::ServedTls;

/// The SIGHUP handler, installed before anything else of `serve` so that a SIGHUP during
/// start-up does not end the process; acted upon once [`Hangups::spawn`] runs.
#[derive(Debug)]
pub struct Hangups(Signal);

impl Hangups {
    pub fn install() -> io::Result<Self> {
        signal(SignalKind::hangup()).map(Self)
    }

    /// Handles every SIGHUP from now on, in the background, until the task is aborted.
    pub fn spawn(self, tls: Option<ServedTls>) -> actix_web::rt::task::JoinHandle<()> {
        let mut hangups = self.0;
        actix_web::rt::spawn(async move {
            while hangups.recv().await.is_some() {
                match &tls {
                    Some(tls) => reload(tls).await,
                    None => tracing::warn!(
                        signal = "SIGHUP",
                        "ignored: no certificate to reload (server.tls is not configured)"
                    ),
                }
            }
        })
    }
}

/// One reload, its outcome logged. The files are read off the async threads (a slow disk
/// must not hold up the shutdown signal handled beside it).
async fn reload(tls: &ServedTls) {
    let files = tls.files();
    let (cert_file, key_file) = (files.cert_file.display(), files.key_file.display());
    let job = tls.clone();
    match actix_web::rt::task::spawn_blocking(move || job.reload()).await {
        Ok(Ok(served)) => tracing::info!(
            signal = "SIGHUP",
            cert_file = %cert_file,
            key_file = %key_file,
            fingerprint = %served.fingerprint_text(),
            chain_length = served.chain_length,
            "TLS certificate reloaded: new connections present it"
        ),
        Ok(Err(error)) => tracing::error!(
            signal = "SIGHUP",
            error = %error,
            fingerprint = %tls.served().fingerprint_text(),
            "TLS certificate not reloaded: still serving the previous one"
        ),
        Err(error) => tracing::error!(
            signal = "SIGHUP",
            error = %error,
            fingerprint = %tls.served().fingerprint_text(),
            "TLS certificate not reloaded (the reload failed): still serving the previous one"
        ),
    }
}
