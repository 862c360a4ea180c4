//! `[events]` (event retention) and `mini-xdr events prune`: defaults, bad values named by key,
//! and the command's flags.

use std::path::Path;
use std::time::Duration;

use clap::Parser;
use xdr_server::cli::{Cli, Command, EventsCommand};
use xdr_server::config::{CliOverrides, ConfigError, Settings, load};

use crate::config_support::{TempDir, env};

fn load_env(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    load(None, env(pairs), &CliOverrides::default())
}

#[test]
fn retention_is_off_by_default() {
    let events = load_env(&[]).unwrap().events;
    assert_eq!(events.retention_days, None, "events are kept forever");
    assert_eq!(events.prune_interval(), Duration::from_secs(3600));
    assert_eq!(events.prune_batch_size, 200);
    assert_eq!(events.prune_pause(), Duration::from_millis(20));
}

#[test]
fn retention_from_the_environment_and_the_file() {
    let events = load_env(&[
        ("MINI_XDR__EVENTS__RETENTION_DAYS", "90"),
        ("MINI_XDR__EVENTS__PRUNE_BATCH_SIZE", "250"),
    ])
    .unwrap()
    .events;
    assert_eq!(
        (events.retention_days, events.prune_batch_size),
        (Some(90), 250)
    );
    assert_eq!(
        load_env(&[("MINI_XDR__EVENTS__RETENTION_DAYS", "")])
            .unwrap()
            .events
            .retention_days,
        None,
        "an empty value leaves it unset"
    );

    let dir = TempDir::new();
    let file = dir.write(
        "c.toml",
        "[events]\nretention_days = 30\nprune_pause_ms = 0\n",
    );
    let events = load(Some(&file), env(&[]), &CliOverrides::default())
        .unwrap()
        .events;
    assert_eq!(events.retention_days, Some(30));
    assert!(events.prune_pause().is_zero());
}

#[test]
fn bad_values_are_refused_by_name() {
    for (var, value, needle) in [
        (
            "MINI_XDR__EVENTS__RETENTION_DAYS",
            "0",
            "events.retention_days",
        ),
        (
            "MINI_XDR__EVENTS__RETENTION_DAYS",
            "36501",
            "events.retention_days",
        ),
        (
            "MINI_XDR__EVENTS__RETENTION_DAYS",
            "ninety",
            "expected a whole number",
        ),
        (
            "MINI_XDR__EVENTS__PRUNE_BATCH_SIZE",
            "0",
            "events.prune_batch_size",
        ),
        (
            "MINI_XDR__EVENTS__PRUNE_BATCH_SIZE",
            "10001",
            "events.prune_batch_size",
        ),
        (
            "MINI_XDR__EVENTS__PRUNE_INTERVAL_SECONDS",
            "59",
            "events.prune_interval_seconds",
        ),
        (
            "MINI_XDR__EVENTS__PRUNE_PAUSE_MS",
            "60001",
            "events.prune_pause_ms",
        ),
        (
            "MINI_XDR__EVENTS__KEEP",
            "1",
            "unknown configuration key `events.keep`",
        ),
    ] {
        let message = load_env(&[(var, value)])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains(needle), "{var}={value}: {message:?}");
    }
}

#[test]
fn a_negative_retention_in_the_file_is_refused() {
    let dir = TempDir::new();
    let file = dir.write("c.toml", "[events]\nretention_days = -7\n");
    let message = load(Some(&file), env(&[]), &CliOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(message.contains("retention_days"), "{message}");
}

fn parse(args: &[&str]) -> Result<Command, clap::Error> {
    let mut argv = vec!["mini-xdr"];
    argv.extend_from_slice(args);
    Cli::try_parse_from(argv).map(|cli| cli.command)
}

#[test]
fn events_prune_flags() {
    let command = parse(&[
        "events",
        "prune",
        "--older-than-days",
        "30",
        "--dry-run",
        "--batch-size",
        "100",
        "--config",
        "c.toml",
        "--database-url",
        "sqlite:///srv/x/db",
    ])
    .unwrap();
    assert_eq!(command.config_file(), Some(Path::new("c.toml")));
    assert_eq!(
        command.overrides().database_url.unwrap().expose(),
        "sqlite:///srv/x/db"
    );
    let Command::Events(EventsCommand::Prune(args)) = command else {
        panic!("{command:?}");
    };
    assert_eq!(
        (args.older_than_days, args.dry_run, args.batch_size),
        (Some(30), true, Some(100))
    );
    let plain = parse(&["events", "prune"]).unwrap();
    let Command::Events(EventsCommand::Prune(args)) = plain else {
        panic!("{plain:?}");
    };
    assert_eq!(
        (args.older_than_days, args.dry_run, args.batch_size),
        (None, false, None)
    );
    for bad in [
        &["events", "prune", "--older-than-days", "0"][..],
        &["events", "prune", "--older-than-days", "-1"],
        &["events", "prune", "--older-than-days", "36501"],
        &["events", "prune", "--batch-size", "0"],
        &["events", "prune", "--batch-size", "10001"],
        &["events"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?} was accepted");
    }
}
