//! `mini-xdr audit prune` through the real binary: refuses without a retention, prunes old
//! entries on both databases and leaves every chain verifiable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common::{Backend, test_database};
use chrono::{Duration, Utc};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::identity::{
    Email, FullName, NewOrganization, NewUser, OrganizationName, PasswordHash, Role,
};
use xdr_domain::ports::{AuditLogRepository, OrganizationRepository};
use xdr_domain::{OrganizationId, UserId};
use xdr_persistence::Database;

const BIN: &str = env!("CARGO_BIN_EXE_mini-xdr");

fn temp_dir() -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("mini-xdr-prune-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn prune(database_url: &str, retention_days: Option<&str>) -> Output {
    let data_dir = temp_dir();
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("MINI_XDR__SERVER__DATA_DIR", &data_dir)
        .env("MINI_XDR__DATABASE__URL", database_url)
        .env("MINI_XDR__LOG__FORMAT", "json")
        .args(["audit", "prune"]);
    if let Some(days) = retention_days {
        cmd.env("MINI_XDR__AUDIT__RETENTION_DAYS", days);
    }
    let out = cmd.output().unwrap();
    let _ = std::fs::remove_dir_all(data_dir);
    out
}

/// An organization registered `days_ago`, with one more entry per age in `entry_ages`.
fn organization_with_history(db: &Database, days_ago: i64, entry_ages: &[i64]) -> OrganizationId {
    let at = Utc::now() - Duration::days(days_ago);
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let name = OrganizationName::parse(&format!("Org {tag}")).unwrap();
    let org = NewOrganization {
        id: OrganizationId::generate(),
        slug: name.slug(),
        name,
        created_at: at,
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
        created_at: at,
    };
    let register = NewAuditEntry::new(org.id, AuditAction::AuthRegister, "organization");
    let id = org.id;
    db.organizations()
        .create_with_admin(org, admin, register)
        .unwrap();
    for days in entry_ages {
        let entry = NewAuditEntry::new(id, AuditAction::AuthLogin, "session");
        db.audit()
            .append(entry, Utc::now() - Duration::days(*days))
            .unwrap();
    }
    id
}

fn prunes_old_entries_and_keeps_chains_valid(backend: Backend) {
    let t = test_database(backend);
    let db = t.database();
    let old = organization_with_history(&db, 100, &[90, 60, 10, 1]);
    let young = organization_with_history(&db, 5, &[2]);

    let refused = prune(t.url(), None);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("audit.retention_days is not set"),
        "{stderr}"
    );

    let out = prune(t.url(), Some("30"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    assert!(stderr.contains("audit prune finished"), "{stderr}");
    assert!(stderr.contains(&old.to_string()) && !stderr.contains(&young.to_string()));

    let report = db.audit().verify(old).unwrap();
    assert!(report.valid, "{report:?}");
    assert_eq!(
        report.entries_checked, 2,
        "the 10- and 1-day-old entries remain"
    );
    assert_eq!(db.audit().verify(young).unwrap().entries_checked, 2);
}

#[test]
fn audit_prune_on_sqlite() {
    prunes_old_entries_and_keeps_chains_valid(Backend::Sqlite);
}

#[test]
fn audit_prune_on_postgres() {
    prunes_old_entries_and_keeps_chains_valid(Backend::Postgres);
}
