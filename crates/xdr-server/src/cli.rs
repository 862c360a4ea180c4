//! The `mini-xdr` command line.
//!
//! Flags only override configuration; every option also has a config key and an environment
//! variable (see `docs/configuration.md`), which `crate::config::load` reads.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use xdr_service::credentials::DEFAULT_REWRAP_BATCH;

use crate::config::{CliOverrides, DatabaseUrl, PRUNE_BATCH_SIZE_RANGE, RETENTION_DAYS_RANGE};
use crate::healthcheck::DEFAULT_TIMEOUT_MS;

/// Largest `vault rewrap --batch-size`.
pub const MAX_REWRAP_BATCH: i64 = 10_000;

#[derive(Debug, Parser)]
#[command(
    name = "mini-xdr",
    version,
    about = "Mini-XDR server",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (applies pending migrations first unless --no-migrate).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(MigrateArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage signing and encryption keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Maintain the credential vault.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Maintain the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Maintain stored events.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Write a consistent copy of the SQLite database while the server runs.
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup (refused while a server runs on it).
    Restore(RestoreArgs),
    /// Ask this server's /readyz (for container health checks): exit 0 when it answers 200.
    Healthcheck(HealthcheckArgs),
}

/// `--config FILE`, accepted by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigFileArg {
    /// TOML configuration file (must exist when given).
    #[arg(long = "config", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

/// Where the data is: `--config`, `--data-dir` and `--database-url`, the same for every command
/// that touches data, so that an operator command acts on what `serve` serves.
#[derive(Debug, Clone, Default, Args)]
pub struct DataArgs {
    #[command(flatten)]
    pub config: ConfigFileArg,
    /// Data directory: keys, and the SQLite database by default [config: server.data_dir].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL, sqlite://PATH or postgres://... [config: database.url].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<DatabaseUrl>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on [config: server.bind].
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,
    /// Do not apply pending migrations at start [config: server.run_migrations = false].
    #[arg(long)]
    pub no_migrate: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration with secrets redacted.
    Check(DataArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new key and make it the active one; old keys keep verifying.
    Rotate(RotateArgs),
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    #[arg(long, value_enum)]
    pub kind: KeyKind,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyKind {
    /// JWT signing keys.
    Jwt,
    /// Credential vault encryption keys.
    Vault,
}

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Re-encrypt every stored secret with the active vault key (safe while serving; run it
    /// again after an interruption), then report how many secrets each key version seals.
    Rewrap(RewrapArgs),
}

#[derive(Debug, Args)]
pub struct RewrapArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Secrets read per batch.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REWRAP_BATCH,
          value_parser = clap::value_parser!(u32).range(1..=MAX_REWRAP_BATCH))]
    pub batch_size: u32,
}

#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    #[command(flatten)]
    pub config: ConfigFileArg,
    /// Ask this URL instead of /readyz on server.bind: http://HOST[:PORT]/PATH, HOST loopback
    /// or the bind address.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Give up after this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_TIMEOUT_MS,
          value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub timeout_ms: u64,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The new file to write (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The backup to restore (checked before anything is replaced).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Delete audit entries past their retention.
    Prune(DataArgs),
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Delete events past their retention, in small batches (safe while serving).
    Prune(EventsPruneArgs),
}

#[derive(Debug, Args)]
pub struct EventsPruneArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Delete events received more than N days ago, instead of events.retention_days.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(*RETENTION_DAYS_RANGE.end())))]
    pub older_than_days: Option<u32>,
    /// Count what would be deleted, per organization, and delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Events deleted per batch, instead of events.prune_batch_size.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(*PRUNE_BATCH_SIZE_RANGE.end())))]
    pub batch_size: Option<u32>,
}

impl Command {
    /// Where the command's data is (every command that touches data takes the same flags for
    /// it; `healthcheck` touches none).
    pub fn data(&self) -> Option<&DataArgs> {
        match self {
            Command::Serve(args) => Some(&args.data),
            Command::Migrate(args) => Some(&args.data),
            Command::Config(ConfigCommand::Check(data))
            | Command::Audit(AuditCommand::Prune(data)) => Some(data),
            Command::Events(EventsCommand::Prune(args)) => Some(&args.data),
            Command::Vault(VaultCommand::Rewrap(args)) => Some(&args.data),
            Command::Keys(KeysCommand::Rotate(args)) => Some(&args.data),
            Command::Backup(args) => Some(&args.data),
            Command::Restore(args) => Some(&args.data),
            Command::Healthcheck(_) => None,
        }
    }

    /// The `--config` file of any command.
    pub fn config_file(&self) -> Option<&Path> {
        match self {
            Command::Healthcheck(args) => args.config.path.as_deref(),
            other => other.data().and_then(|d| d.config.path.as_deref()),
        }
    }

    /// The flags that override configuration.
    pub fn overrides(&self) -> CliOverrides {
        let Some(data) = self.data() else {
            return CliOverrides::default();
        };
        let mut overrides = CliOverrides {
            data_dir: data.data_dir.clone(),
            database_url: data.database_url.clone(),
            ..CliOverrides::default()
        };
        if let Command::Serve(args) = self {
            overrides.bind = args.bind;
            overrides.run_migrations = args.no_migrate.then_some(false);
        }
        overrides
    }
}
