//! The `mini-xdr` command line.
//!
//! Flags only override configuration; every option also has a config key and an environment
//! variable (see `docs/configuration.md`), which `crate::config::load` reads.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use xdr_service::credentials::DEFAULT_REWRAP_BATCH;

use crate::config::{CliOverrides, DatabaseUrl};

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
}

/// `--config FILE`, accepted by every command.
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigFileArg {
    /// TOML configuration file (must exist when given).
    #[arg(long = "config", value_name = "FILE")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigFileArg,
    /// Address to listen on [config: server.bind].
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,
    /// Data directory [config: server.data_dir].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL, sqlite://PATH or postgres://... [config: database.url].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<DatabaseUrl>,
    /// Do not apply pending migrations at start [config: server.run_migrations = false].
    #[arg(long)]
    pub no_migrate: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub config: ConfigFileArg,
    /// Database URL [config: database.url].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<DatabaseUrl>,
    /// Data directory [config: server.data_dir].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective configuration with secrets redacted.
    Check(ConfigFileArg),
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
    pub config: ConfigFileArg,
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
    pub config: ConfigFileArg,
    /// Secrets read per batch.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REWRAP_BATCH,
          value_parser = clap::value_parser!(u32).range(1..=MAX_REWRAP_BATCH))]
    pub batch_size: u32,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Delete audit entries past their retention.
    Prune(ConfigFileArg),
}

impl Command {
    /// The `--config` file of any command.
    pub fn config_file(&self) -> Option<&Path> {
        let arg = match self {
            Command::Serve(args) => &args.config,
            Command::Migrate(args) => &args.config,
            Command::Config(ConfigCommand::Check(arg))
            | Command::Audit(AuditCommand::Prune(arg)) => arg,
            Command::Vault(VaultCommand::Rewrap(args)) => &args.config,
            Command::Keys(KeysCommand::Rotate(args)) => &args.config,
        };
        arg.path.as_deref()
    }

    /// The flags that override configuration.
    pub fn overrides(&self) -> CliOverrides {
        match self {
            Command::Serve(args) => CliOverrides {
                bind: args.bind,
                data_dir: args.data_dir.clone(),
                database_url: args.database_url.clone(),
                run_migrations: args.no_migrate.then_some(false),
            },
            Command::Migrate(args) => CliOverrides {
                data_dir: args.data_dir.clone(),
                database_url: args.database_url.clone(),
                ..CliOverrides::default()
            },
            _ => CliOverrides::default(),
        }
    }
}
