//! `mini-xdr`: the Mini-XDR server and its operator commands.

use std::process::ExitCode;

use clap::Parser;
use xdr_server::cli::{
    AuditCommand, Cli, Command, ConfigCommand, EventsCommand, HealthcheckArgs, KeyKind,
    KeysCommand, VaultCommand,
};
use xdr_server::config::{self, Settings};
use xdr_server::{audit_prune, backup, events_prune, healthcheck, logging, serve, startup, vault};

/// mimalloc instead of the system allocator: request handling allocates many small, short-lived
/// values on every worker thread, which glibc's malloc serves slowly (docs/benchmarks.md,
/// "Figures behind design choices").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code for configuration and usage errors (sysexits EX_CONFIG).
const EXIT_CONFIG: u8 = 78;
const EXIT_FAILURE: u8 = 1;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match config::load(
        cli.command.config_file(),
        std::env::vars(),
        &cli.command.overrides(),
    ) {
        Ok(s) => s,
        Err(e) => return fail(EXIT_CONFIG, &format!("configuration error: {e}")),
    };
    if let Command::Config(ConfigCommand::Check(_)) = cli.command {
        #[allow(clippy::print_stdout)]
        {
            println!("{}", settings.redacted());
        }
        return ExitCode::SUCCESS;
    }
    if let Command::Healthcheck(args) = &cli.command {
        // No logger: a health check's output is one short line, kept by the container engine.
        return healthcheck(settings.server.bind, args);
    }
    let filter_override = std::env::var("RUST_LOG").ok();
    if let Err(e) = logging::init(&settings.log, filter_override.as_deref()) {
        return fail(EXIT_CONFIG, &format!("logging: {e}"));
    }
    settings.log_warnings();
    match run(cli.command, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "mini-xdr failed");
            fail(EXIT_FAILURE, &e)
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    if !matches!(command, Command::Serve(_)) {
        // An operator command says what it acts on, so that one run against the wrong
        // directory or database is noticed (stderr: stdout is for reports).
        note(&format!(
            "data directory {}, database {}",
            settings.server.data_dir.display(),
            xdr_server::config::mask_database_url(settings.database.url.expose())
        ));
    }
    match command {
        Command::Serve(_) => serve::serve(settings).await.map_err(|e| e.to_string()),
        Command::Migrate(_) => startup::open_database(&settings, true)
            .map(|_| tracing::info!("migrations applied"))
            .map_err(|e| e.to_string()),
        Command::Keys(KeysCommand::Rotate(args)) => match args.kind {
            KeyKind::Jwt => rotate_jwt(&settings),
            KeyKind::Vault => vault::rotate_key(&settings)
                .map(|version| print_line(&format!("vault key version {version} is active")))
                .map_err(|e| e.to_string()),
        },
        Command::Vault(VaultCommand::Rewrap(args)) => rewrap(&settings, args.batch_size).await,
        Command::Audit(AuditCommand::Prune(_)) => audit_prune::run(&settings),
        Command::Events(EventsCommand::Prune(args)) => events_prune::run(&settings, &args)
            .await
            .map(|report| print_line(&report)),
        Command::Backup(args) => backup::run_backup(&settings, &args.out)
            .map(|copy| print_copy("backup written", &args.out, &copy))
            .map_err(|e| e.to_string()),
        Command::Restore(args) => backup::run_restore(&settings, &args.from, args.force)
            .map(|copy| print_copy("database restored from", &args.from, &copy))
            .map_err(|e| e.to_string()),
        Command::Config(ConfigCommand::Check(_)) | Command::Healthcheck(_) => Ok(()),
    }
}

fn print_copy(what: &str, path: &std::path::Path, copy: &xdr_persistence::backup::CopySummary) {
    print_line(&format!(
        "{what} {} ({} bytes, {} migrations)",
        path.display(),
        copy.bytes,
        copy.migrations
    ));
}

fn healthcheck(bind: std::net::SocketAddr, args: &HealthcheckArgs) -> ExitCode {
    let timeout = std::time::Duration::from_millis(args.timeout_ms);
    let checked = healthcheck::target(bind, args.url.as_deref())
        .and_then(|target| healthcheck::check(&target, timeout).map(|()| target));
    match checked {
        Ok(target) => {
            print_line(&format!("ready: {}{}", target.addr, target.path));
            ExitCode::SUCCESS
        }
        Err(e @ healthcheck::HealthcheckError::BadUrl { .. }) => fail(EXIT_CONFIG, &e),
        Err(e) => fail(EXIT_FAILURE, &format!("not ready: {e}")),
    }
}

fn rotate_jwt(settings: &Settings) -> Result<(), String> {
    let path = settings.jwt_keys_path().ok_or_else(|| {
        "JWT keys are configured inline (auth.jwt_secret / auth.jwt_keys): rotate them in the configuration instead"
            .to_owned()
    })?;
    config::ensure_private_dir(&settings.server.data_dir).map_err(|e| e.to_string())?;
    let kid = config::rotate_jwt_key(&path).map_err(|e| e.to_string())?;
    tracing::info!(kid = %kid, path = %path.display(), "new JWT signing key is active; restart the server to use it");
    Ok(())
}

/// Prints the report (JSON) on stdout; fails when some secrets did not open.
async fn rewrap(settings: &Settings, batch_size: u32) -> Result<(), String> {
    let output = vault::rewrap(settings, batch_size)
        .await
        .map_err(|e| e.to_string())?;
    let json = serde_json::to_string(&output).map_err(|e| e.to_string())?;
    print_line(&json);
    if output.failed > 0 {
        return Err(format!(
            "{} stored secret(s) did not open and were left as they are (see the log): \
             investigate before retiring any key",
            output.failed
        ));
    }
    Ok(())
}

fn print_line(line: &str) {
    #[allow(clippy::print_stdout)]
    {
        println!("{line}");
    }
}

fn note(message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("mini-xdr: {message}");
    }
}

fn fail(code: u8, message: &dyn std::fmt::Display) -> ExitCode {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("mini-xdr: {message}");
    }
    ExitCode::from(code)
}
