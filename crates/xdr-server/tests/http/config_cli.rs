//! Command-line parsing of every subcommand.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use xdr_server::cli::{
    AuditCommand, Cli, Command, ConfigCommand, KeyKind, KeysCommand, VaultCommand,
};

#[allow(clippy::unwrap_used)] // a test helper: failing loudly is its job
fn parse(args: &[&str]) -> Command {
    let mut argv = vec!["mini-xdr"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).unwrap().command
}

fn rejected(args: &[&str]) -> bool {
    let mut argv = vec!["mini-xdr"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).is_err()
}

#[test]
fn serve_with_every_flag() {
    let command = parse(&[
        "serve",
        "--config",
        "/etc/xdr.toml",
        "--bind",
        "0.0.0.0:9000",
        "--data-dir",
        "/var/lib/xdr",
        "--database-url",
        "postgres://u:secret@db/x",
        "--no-migrate",
    ]);
    assert_eq!(command.config_file(), Some(Path::new("/etc/xdr.toml")));
    let overrides = command.overrides();
    assert_eq!(
        overrides.bind,
        Some("0.0.0.0:9000".parse::<SocketAddr>().unwrap())
    );
    assert_eq!(overrides.data_dir, Some(PathBuf::from("/var/lib/xdr")));
    assert_eq!(
        overrides.database_url.as_ref().map(|u| u.expose()),
        Some("postgres://u:secret@db/x")
    );
    assert_eq!(overrides.run_migrations, Some(false));
    assert!(
        !format!("{command:?}").contains("secret"),
        "Debug hides the password"
    );
}

#[test]
fn serve_without_flags_overrides_nothing() {
    let command = parse(&["serve"]);
    assert!(matches!(command, Command::Serve(_)));
    assert_eq!(command.config_file(), None);
    let overrides = command.overrides();
    assert!(overrides.bind.is_none() && overrides.data_dir.is_none());
    assert!(overrides.database_url.is_none() && overrides.run_migrations.is_none());
}

#[test]
fn serve_rejects_a_bind_that_is_not_a_socket_address() {
    assert!(rejected(&["serve", "--bind", "localhost"]));
}

#[test]
fn migrate() {
    let command = parse(&[
        "migrate",
        "--config",
        "c.toml",
        "--database-url",
        "sqlite://x.db",
        "--data-dir",
        "d",
    ]);
    assert!(matches!(command, Command::Migrate(_)));
    assert_eq!(command.config_file(), Some(Path::new("c.toml")));
    let overrides = command.overrides();
    assert_eq!(overrides.data_dir, Some(PathBuf::from("d")));
    assert_eq!(overrides.database_url.unwrap().expose(), "sqlite://x.db");
    assert_eq!(overrides.run_migrations, None);
    assert!(rejected(&["migrate", "--no-migrate"]));
}

#[test]
fn config_check() {
    let command = parse(&["config", "check", "--config", "c.toml"]);
    assert!(matches!(command, Command::Config(ConfigCommand::Check(_))));
    assert_eq!(command.config_file(), Some(Path::new("c.toml")));
    assert!(matches!(parse(&["config", "check"]), Command::Config(_)));
    assert!(rejected(&["config"]));
}

#[test]
fn keys_rotate() {
    for (kind, expected) in [("jwt", KeyKind::Jwt), ("vault", KeyKind::Vault)] {
        let command = parse(&["keys", "rotate", "--kind", kind, "--config", "c.toml"]);
        let Command::Keys(KeysCommand::Rotate(args)) = &command else {
            panic!("{command:?}");
        };
        assert_eq!(args.kind, expected);
        assert_eq!(command.config_file(), Some(Path::new("c.toml")));
    }
    assert!(rejected(&["keys", "rotate"]), "--kind is required");
    assert!(rejected(&["keys", "rotate", "--kind", "tls"]));
}

#[test]
fn vault_rewrap_and_audit_prune() {
    let command = parse(&["vault", "rewrap", "--config", "v.toml"]);
    assert!(matches!(command, Command::Vault(VaultCommand::Rewrap(_))));
    assert_eq!(command.config_file(), Some(Path::new("v.toml")));
    let command = parse(&["audit", "prune"]);
    assert!(matches!(command, Command::Audit(AuditCommand::Prune(_))));
    assert_eq!(command.config_file(), None);
}

#[test]
fn unknown_commands_and_flags_are_rejected() {
    assert!(rejected(&[]));
    assert!(rejected(&["launch"]));
    assert!(rejected(&["serve", "--port", "1"]));
}

/// Every command that touches data takes the same `--config`, `--data-dir` and
/// `--database-url` as `serve`, so an operator command acts on what is served.
#[test]
fn every_data_command_takes_the_same_data_flags() {
    let flags = [
        "--config",
        "c.toml",
        "--data-dir",
        "/srv/x",
        "--database-url",
        "sqlite:///srv/x/db",
    ];
    let commands: [&[&str]; 7] = [
        &["serve"],
        &["migrate"],
        &["config", "check"],
        &["keys", "rotate", "--kind", "jwt"],
        &["keys", "rotate", "--kind", "vault"],
        &["vault", "rewrap"],
        &["audit", "prune"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend_from_slice(&flags);
        let parsed = parse(&args);
        assert_eq!(
            parsed.config_file(),
            Some(Path::new("c.toml")),
            "{command:?}"
        );
        let overrides = parsed.overrides();
        assert_eq!(
            overrides.data_dir,
            Some(PathBuf::from("/srv/x")),
            "{command:?}"
        );
        assert_eq!(
            overrides.database_url.unwrap().expose(),
            "sqlite:///srv/x/db",
            "{command:?}"
        );
    }
}
