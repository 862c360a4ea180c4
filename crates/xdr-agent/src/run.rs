//! `mini-xdr-agent run`: three activities on one thread (a current-thread runtime): the
//! collector polls the files into the spool, the sender ships spooled batches oldest first,
//! the heartbeat reports. A stop (SIGTERM/SIGINT in the binary) ends the sender and the
//! heartbeat at once (an interrupted batch stays in the spool and is resent later, which the
//! server de-duplicates) and lets the collector spool its partial batch and save offsets.

use std::cell::RefCell;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;
use tokio::sync::{Notify, watch};
use tracing::{error, info, warn};

use crate::client::AgentClient;
use crate::collect::Collector;
use crate::offsets::Offsets;
use crate::reply::ClientError;
use crate::source::SourceKind;
use crate::spool::Spool;
use crate::state::{AgentState, Secret, StateError};
use crate::tail::Start;

pub const SPOOL_DIR: &str = "spool";
pub const COUNTERS_FILE: &str = "counters.json";
/// Held (an OS file lock, released when the process ends) while `run` runs: two runs on one
/// state directory would send every line twice.
pub const LOCK_FILE: &str = "run.lock";
pub const DEFAULT_BUFFER_MAX_BYTES: u64 = 64 * 1024 * 1024;
pub const DEFAULT_BATCH_MAX: usize = 500;
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(1000);
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub state_dir: PathBuf,
    pub files: Vec<(SourceKind, PathBuf)>,
    pub buffer_max_bytes: u64,
    pub batch_max: usize,
    pub flush_interval: Duration,
    pub poll_interval: Duration,
    pub start: Start,
}

impl RunConfig {
    pub fn new(state_dir: PathBuf) -> Self {
        Self {
            state_dir,
            files: Vec::new(),
            buffer_max_bytes: DEFAULT_BUFFER_MAX_BYTES,
            batch_max: DEFAULT_BATCH_MAX,
            flush_interval: DEFAULT_FLUSH_INTERVAL,
            poll_interval: DEFAULT_POLL_INTERVAL,
            start: Start::End,
        }
    }
}

#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(
        "the server says this agent's identity is in use on another machine: this state \
         directory was copied (a cloned disk image?); enroll this machine with its own token \
         (`mini-xdr-agent enroll`)"
    )]
    Clone,
    #[error("another `mini-xdr-agent run` uses the state directory {0}")]
    Busy(PathBuf),
    #[error("the spool in {path} cannot be opened: {source}")]
    Spool {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What the three activities share (on one thread: `RefCell`s, never borrowed across an
/// await).
#[derive(Debug)]
pub(crate) struct Shared {
    pub spool: RefCell<Spool>,
    pub collector: RefCell<Collector>,
    pub client: AgentClient,
    pub state_dir: PathBuf,
    pub secret_in_use: RefCell<Secret>,
    pub heartbeat_seconds: std::cell::Cell<u64>,
    pub spooled: Notify,
    /// Sent in heartbeats; see `AgentState::machine`.
    pub instance_id: uuid::Uuid,
    /// Set (and `halt` notified) when the server refuses this agent for good: a clone.
    pub cloned: std::cell::Cell<bool>,
    pub halt: Notify,
}

impl Shared {
    /// After a refused signature: picks up a secret that `rotate-secret` (or a re-enroll)
    /// stored since. Returns whether the credentials changed.
    pub fn reload_credentials(&self) -> bool {
        let Ok(Some(state)) = AgentState::load(&self.state_dir) else {
            return false;
        };
        let Ok(credentials) = state.credentials() else {
            return false;
        };
        if credentials.agent_secret == *self.secret_in_use.borrow() {
            return false;
        }
        match self.client.set_credentials(&credentials) {
            Ok(()) => {
                info!("picked up new agent credentials from the state file");
                *self.secret_in_use.borrow_mut() = credentials.agent_secret;
                true
            }
            Err(e) => {
                error!(error = %e, "the state file's credentials are unusable");
                false
            }
        }
    }

    pub fn log_refusal(&self, what: &str, e: &ClientError) {
        if let ClientError::Unauthorized { code, .. } = e {
            error!(code = %code, what,
                "the server refuses this agent even with a corrected clock: it was probably \
                 revoked, unenrolled or superseded (re-enroll with `mini-xdr-agent enroll`); \
                 retrying with backoff, nothing is dropped");
        }
    }
}

/// Sleeps `wait` unless told to stop first; returns whether it was told to stop.
pub(crate) async fn sleep_or_stop(wait: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    let stopped = tokio::select! {
        _ = tokio::time::sleep(wait) => false,
        _ = stop.wait_for(|s| *s) => true,
    };
    stopped || *stop.borrow()
}

fn lock_state_dir(state_dir: &std::path::Path) -> Result<std::fs::File, RunError> {
    let path = state_dir.join(LOCK_FILE);
    let io_error = |source| StateError::Io {
        path: path.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_error)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Busy(state_dir.to_owned())),
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(e).into()),
    }
}

/// Runs until `shutdown` completes, then stops cleanly.
pub async fn run(config: RunConfig, shutdown: impl Future<Output = ()>) -> Result<(), RunError> {
    let mut state = AgentState::load(&config.state_dir)?.ok_or(StateError::NotEnrolled)?;
    let _lock = lock_state_dir(&config.state_dir)?;
    if state.adopt_machine(&crate::host::machine_fingerprint()) {
        warn!(instance_id = %state.instance_id,
            "the state directory was made on another machine: reporting a new instance id");
    }
    state.save(&config.state_dir)?;
    let credentials = state.credentials()?;
    let client = AgentClient::signed(&credentials)?;
    let spool_dir = config.state_dir.join(SPOOL_DIR);
    let spool = Spool::open(
        &spool_dir,
        &config.state_dir.join(COUNTERS_FILE),
        config.buffer_max_bytes,
    )
    .map_err(|source| RunError::Spool {
        path: spool_dir,
        source,
    })?;
    let collector = Collector::new(
        &config.files,
        Offsets::load(&config.state_dir),
        config.start,
        config.batch_max,
    );
    info!(agent_id = %credentials.agent_id, files = config.files.len(),
        spooled_batches = spool.len(), "agent running");
    let shared = Shared {
        spool: RefCell::new(spool),
        collector: RefCell::new(collector),
        client,
        state_dir: config.state_dir.clone(),
        secret_in_use: RefCell::new(credentials.agent_secret.clone()),
        heartbeat_seconds: std::cell::Cell::new(state.heartbeat_interval_seconds.clamp(
            crate::heartbeat::MIN_INTERVAL_SECONDS,
            crate::heartbeat::MAX_INTERVAL_SECONDS,
        )),
        spooled: Notify::new(),
        instance_id: state.instance_id,
        cloned: std::cell::Cell::new(false),
        halt: Notify::new(),
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let signal = async {
        tokio::select! {
            () = shutdown => {}
            () = shared.halt.notified() => {}
        }
        info!("stopping");
        let _ = stop_tx.send(true);
    };
    tokio::join!(
        signal,
        crate::collect_loop::collect_loop(&shared, &config, stop_rx.clone()),
        crate::sender::send_loop(&shared, stop_rx.clone()),
        crate::heartbeat::heartbeat_loop(&shared, stop_rx),
    );
    info!("stopped");
    if shared.cloned.get() {
        return Err(RunError::Clone);
    }
    Ok(())
}
