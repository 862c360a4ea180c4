//! Event retention through the real binary, on both databases: `mini-xdr events prune` refuses
//! without a retention, refuses a bad one, counts on `--dry-run`, deletes only what is past
//! the retention and says how many; `serve` with `events.retention_days` prunes by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Output;
use std::time::{Duration, Instant};

use chrono::Utc;
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::detection::{EventFilter, EventInput, validate_batch};
use xdr_domain::identity::{
    Email, FullName, NewOrganization, NewUser, OrganizationName, PasswordHash, Role,
};
use xdr_domain::ports::{DetectionRepository, OrganizationRepository};
use xdr_domain::{OrganizationId, PageRequest, UserId};
use xdr_persistence::Database;

use crate::binary_server::{Server, command, temp_dir};
use crate::common::{Backend, test_database};

const EXIT_CONFIG: i32 = 78;

fn events_prune(database_url: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let data_dir = temp_dir("events-prune");
    let mut cmd = command(&data_dir);
    cmd.env("MINI_XDR__DATABASE__URL", database_url)
        .args(["events", "prune"])
        .args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_dir_all(data_dir);
    out
}

fn organization(db: &Database) -> OrganizationId {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let name = OrganizationName::parse(&format!("Org {tag}")).unwrap();
    let org = NewOrganization {
        id: OrganizationId::generate(),
        slug: name.slug(),
        name,
        created_at: Utc::now(),
    };
    let admin = NewUser {
        id: UserId::generate(),
        organization_id: org.id,
        email: Email::parse(&format!("a-{tag}@example.com")).unwrap(),
        full_name: FullName::parse("Ada Admin").unwrap(),
        role: Role::Admin,
        password_hash: PasswordHash::new(
            "$2b$04$notarealhashnotarealhashnotarealhashnotarealhas".into(),
        ),
        created_at: Utc::now(),
    };
    let register = NewAuditEntry::new(org.id, AuditAction::AuthRegister, "organization");
    let id = org.id;
    db.organizations()
        .create_with_admin(org, admin, register)
        .unwrap();
    id
}

/// `n` events received `days_ago`.
fn receive(db: &Database, org: OrganizationId, n: usize, days_ago: i64) {
    let at = Utc::now() - chrono::Duration::days(days_ago);
    let inputs: Vec<EventInput> = (0..n)
        .map(|_| EventInput {
            event_type: "net.connection".into(),
            src_ip: "198.51.100.4".into(),
            dst_port: Some(443),
            ..EventInput::default()
        })
        .collect();
    let batch = validate_batch(org, &inputs, at).unwrap();
    db.detection().ingest(org, batch, at).unwrap();
}

fn stored(db: &Database, org: OrganizationId) -> usize {
    let page = PageRequest::new(None, Some(500));
    db.detection()
        .list_events(org, &EventFilter::default(), &page)
        .unwrap()
        .len()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn prunes_what_is_past_the_retention(backend: Backend) {
    let t = test_database(backend);
    let db = t.database();
    let (old, young) = (organization(&db), organization(&db));
    receive(&db, old, 12, 40);
    receive(&db, old, 3, 2);
    receive(&db, young, 4, 1);

    let refused = events_prune(t.url(), &[], &[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("events.retention_days is not set"),
        "{}",
        stderr(&refused)
    );

    let dry = events_prune(t.url(), &[], &["--older-than-days", "30", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("dry run: 12 events received before"),
        "{}",
        stdout(&dry)
    );
    assert_eq!(stored(&db, old), 15, "a dry run deletes nothing");

    // From the configuration, in batches of 5: 5 + 5 + 2.
    let env = [("MINI_XDR__EVENTS__RETENTION_DAYS", "30")];
    let out = events_prune(t.url(), &env, &["--batch-size", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("deleted 12 events received before")
            && stdout(&out).contains("(1 organizations, 3 batches"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("event prune finished"));
    assert!(stderr(&out).contains(&old.to_string()) && !stderr(&out).contains(&young.to_string()));
    assert_eq!((stored(&db, old), stored(&db, young)), (3, 4));

    // The flag wins over the configuration.
    let out = events_prune(t.url(), &env, &["--older-than-days", "1"]);
    assert!(
        stdout(&out).contains("deleted 7 events"),
        "{}",
        stdout(&out)
    );
}

fn refuses_a_bad_retention(backend: Backend) {
    let t = test_database(backend);
    for (value, needle) in [
        ("0", "events.retention_days"),
        ("-3", "events.retention_days"),
        ("ninety", "MINI_XDR__EVENTS__RETENTION_DAYS"),
        ("36501", "events.retention_days"),
    ] {
        let out = events_prune(t.url(), &[("MINI_XDR__EVENTS__RETENTION_DAYS", value)], &[]);
        assert_eq!(out.status.code(), Some(EXIT_CONFIG), "{value}");
        assert!(stderr(&out).contains(needle), "{value}: {}", stderr(&out));
    }
    for args in [["--older-than-days", "0"], ["--batch-size", "0"]] {
        let out = events_prune(t.url(), &[], &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: clap's usage error");
    }
}

/// `serve` prunes at start (and then every `events.prune_interval_seconds`).
fn serve_prunes_in_the_background(backend: Backend) {
    let t = test_database(backend);
    let db = t.database();
    let org = organization(&db);
    receive(&db, org, 30, 40);
    receive(&db, org, 2, 1);
    let data_dir = temp_dir("events-prune-serve");
    let mut cmd = command(&data_dir);
    cmd.env("MINI_XDR__DATABASE__URL", t.url())
        .env("MINI_XDR__EVENTS__RETENTION_DAYS", "30")
        .env("MINI_XDR__EVENTS__PRUNE_BATCH_SIZE", "7");
    let server = Server::start(cmd);
    let deadline = Instant::now() + Duration::from_secs(20);
    while stored(&db, org) > 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(stored(&db, org), 2, "the day-old events stay");
    assert!(server.terminate().success());
    let _ = std::fs::remove_dir_all(data_dir);
}

#[test]
fn events_prune_on_sqlite() {
    prunes_what_is_past_the_retention(Backend::Sqlite);
}

#[test]
fn events_prune_on_postgres() {
    prunes_what_is_past_the_retention(Backend::Postgres);
}

#[test]
fn events_prune_refuses_a_bad_retention() {
    refuses_a_bad_retention(Backend::Sqlite);
}

#[test]
fn serve_prunes_events_on_sqlite() {
    serve_prunes_in_the_background(Backend::Sqlite);
}

#[test]
fn serve_prunes_events_on_postgres() {
    serve_prunes_in_the_background(Backend::Postgres);
}
