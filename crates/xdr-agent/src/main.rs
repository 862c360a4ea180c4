//! `mini-xdr-agent`: see the crate documentation of `xdr_agent` for the state directory and
//! the delivery guarantees. Logs go to stderr (`MINI_XDR_AGENT_LOG`, e.g. `debug`); stdout
//! stays empty.

use std::future::Future;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tracing::error;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use xdr_agent::enroll::{EnrollOptions, enroll};
use xdr_agent::manage::{rotate_secret, unenroll};
use xdr_agent::run::{DEFAULT_BUFFER_MAX_BYTES, RunConfig, run};
use xdr_agent::source::SourceKind;
use xdr_agent::tail::Start;
use zeroize::Zeroizing;

const DEFAULT_STATE_DIR: &str = "/var/lib/mini-xdr-agent";
/// Log filter, e.g. `debug` or `info,xdr_agent::tail=debug`.
const LOG_ENV: &str = "MINI_XDR_AGENT_LOG";

#[derive(Debug, Parser)]
#[command(name = "mini-xdr-agent", version, about = "Mini-XDR endpoint agent")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct StateDir {
    /// Where the agent keeps its identity, offsets and spool.
    #[arg(long, env = "MINI_XDR_AGENT_STATE_DIR", default_value = DEFAULT_STATE_DIR)]
    state_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Enroll this host with a one-time enrollment token.
    Enroll {
        /// The server's base URL, e.g. https://xdr.example.com
        #[arg(long)]
        server: String,
        /// The enrollment token (better given through the environment: not seen in `ps`).
        #[arg(long, env = "MINI_XDR_ENROLLMENT_TOKEN", hide_env_values = true)]
        token: String,
        #[command(flatten)]
        state: StateDir,
        /// The host name to report (default: this host's).
        #[arg(long)]
        hostname: Option<String>,
        /// The id of the agent this host replaces (a re-imaged machine).
        #[arg(long)]
        replaces: Option<String>,
        /// PEM file of the only CAs to trust for the server (default: the system's roots).
        #[arg(long, conflicts_with = "pin")]
        ca_file: Option<PathBuf>,
        /// Accept only the server certificate whose SHA-256 is this (`sha256:HEX`, of its DER;
        /// `openssl x509 -noout -fingerprint -sha256` prints it), for a self-signed one.
        #[arg(long, value_parser = xdr_agent::trust::parse_pin)]
        pin: Option<xdr_crypto::tls::CertPin>,
    },
    /// Heartbeat and ship the given logs until SIGTERM or SIGINT.
    Run {
        #[command(flatten)]
        state: StateDir,
        /// A cowrie JSON log to follow (repeatable).
        #[arg(long = "cowrie")]
        cowrie: Vec<PathBuf>,
        /// An OpenSSH auth.log / journal text file to follow (repeatable).
        #[arg(long = "auth-log")]
        auth_log: Vec<PathBuf>,
        /// Cap of the on-disk buffer; the oldest batches are dropped beyond it.
        #[arg(long, default_value_t = DEFAULT_BUFFER_MAX_BYTES)]
        buffer_max_bytes: u64,
        /// Events per batch (1-1000).
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..=1000))]
        batch_max: u16,
        /// The longest a read event waits before its batch is spooled.
        #[arg(long, default_value_t = 1000)]
        flush_interval_ms: u64,
        /// How often the files are looked at.
        #[arg(long, default_value_t = 250, value_parser = clap::value_parser!(u64).range(10..))]
        poll_interval_ms: u64,
        /// Read files never seen before from their start instead of their end (backfill).
        #[arg(long)]
        from_start: bool,
    },
    /// Get a new agent secret (the old one works 5 more minutes).
    RotateSecret {
        #[command(flatten)]
        state: StateDir,
    },
    /// Tell the server this agent is gone and forget its credentials.
    Unenroll {
        #[command(flatten)]
        state: StateDir,
    },
}

#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

async fn execute(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Enroll {
            server,
            token,
            state,
            hostname,
            replaces,
            ca_file,
            pin,
        } => {
            let options = EnrollOptions {
                server_url: server,
                token: Zeroizing::new(token),
                state_dir: state.state_dir,
                hostname,
                replaces,
                ca_file,
                pin,
                retry_base: xdr_agent::backoff::BASE_DELAY,
            };
            enroll(&options).await?;
        }
        Command::Run {
            state,
            cowrie,
            auth_log,
            buffer_max_bytes,
            batch_max,
            flush_interval_ms,
            poll_interval_ms,
            from_start,
        } => {
            let shutdown = shutdown_signal()?;
            let mut config = RunConfig::new(state.state_dir);
            config.files = cowrie
                .into_iter()
                .map(|p| (SourceKind::Cowrie, p))
                .chain(auth_log.into_iter().map(|p| (SourceKind::AuthLog, p)))
                .collect();
            config.buffer_max_bytes = buffer_max_bytes;
            config.batch_max = usize::from(batch_max);
            config.flush_interval = Duration::from_millis(flush_interval_ms);
            config.poll_interval = Duration::from_millis(poll_interval_ms);
            config.start = if from_start {
                Start::Beginning
            } else {
                Start::End
            };
            run(config, shutdown).await?;
        }
        Command::RotateSecret { state } => rotate_secret(&state.state_dir).await?,
        Command::Unenroll { state } => unenroll(&state.state_dir).await?,
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `Targets` rather than `EnvFilter`: no regex engine in the binary (a smaller RSS).
    let filter = std::env::var(LOG_ENV)
        .ok()
        .and_then(|v| v.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(filter)
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            error!(error = %e, "cannot start the runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            error!("{e}");
            ExitCode::FAILURE
        }
    }
}
