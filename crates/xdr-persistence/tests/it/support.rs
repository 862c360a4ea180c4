//! Fixtures shared by the test modules.

use chrono::{DateTime, Duration, Utc};
use xdr_domain::audit::{AuditAction, AuditEntry, AuditFilter, NewAuditEntry};
use xdr_domain::identity::{
    Email, FullName, NewOrganization, NewSession, NewUser, Organization, OrganizationName,
    PasswordHash, Role, Session, TokenHash, User,
};
use xdr_domain::ports::{
    AuditLogRepository, OrganizationRepository, RepoResult, SessionRepository,
};
use xdr_domain::{OrganizationId, SessionId, UserId};
use xdr_persistence::test_support::TestDatabase;
use xdr_persistence::{Backend, Database};

pub fn sqlite() -> TestDatabase {
    TestDatabase::on(Backend::Sqlite)
}

/// On the server of `test_support::pg_admin_url()`.
pub fn postgres() -> TestDatabase {
    TestDatabase::on(Backend::Postgres)
}

/// `both_backends!(case_a, case_b)` makes `case_a::sqlite`, `case_a::postgres`... tests, each
/// calling `fn case_a(db: &Database)` with a database of its own.
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[test]
                fn sqlite() {
                    let t = $crate::support::sqlite();
                    super::$case(&t.database());
                }

                #[test]
                fn postgres() {
                    let t = $crate::support::postgres();
                    super::$case(&t.database());
                }
            }
        )*
    };
}

/// Now, at the precision storage keeps (microseconds), so that values compare equal.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

pub fn registration(name: &str, email: &str) -> (NewOrganization, NewUser) {
    let name = OrganizationName::parse(name).unwrap();
    let org = NewOrganization {
        id: OrganizationId::generate(),
        slug: name.slug(),
        name,
        created_at: now(),
    };
    let admin = NewUser {
        id: UserId::generate(),
        organization_id: org.id,
        email: Email::parse(email).unwrap(),
        full_name: FullName::parse("Ada Admin").unwrap(),
        role: Role::Admin,
        password_hash: PasswordHash::new(
            "$2b$04$notarealhashnotarealhashnotarealhashnotarealhas".into(),
        ),
        created_at: org.created_at,
    };
    (org, admin)
}

pub fn try_register(db: &Database, name: &str, email: &str) -> RepoResult<(Organization, User)> {
    let (org, admin) = registration(name, email);
    let audit = register_audit(&org, &admin);
    db.organizations().create_with_admin(org, admin, audit)
}

/// A registered organization with a unique name and admin email.
pub fn tenant(db: &Database) -> (Organization, User) {
    let tag = uuid::Uuid::new_v4().simple().to_string();
    try_register(
        db,
        &format!("Org {tag}"),
        &format!("admin-{tag}@example.com"),
    )
    .unwrap()
}

pub fn token(tag: &str) -> TokenHash {
    TokenHash::from_hex(format!("{tag}-{}", uuid::Uuid::new_v4().simple()))
}

pub fn new_session(user: &User, created_at: DateTime<Utc>, ttl: Duration) -> NewSession {
    NewSession {
        id: SessionId::generate(),
        organization_id: user.organization_id,
        user_id: user.id,
        refresh_token_hash: token("initial"),
        user_agent: Some("tests/1.0".into()),
        ip: Some("192.0.2.7".into()),
        created_at,
        expires_at: created_at + ttl,
    }
}

/// Creates a 30-day session for `user`, returning it with its refresh-token hash.
pub fn session(db: &Database, user: &User) -> (Session, TokenHash) {
    let new = new_session(user, now(), Duration::days(30));
    let hash = new.refresh_token_hash.clone();
    (db.sessions().create(new, None).unwrap(), hash)
}

/// The `auth.register` entry of a registration.
pub fn register_audit(org: &NewOrganization, admin: &NewUser) -> NewAuditEntry {
    NewAuditEntry::new(org.id, AuditAction::AuthRegister, "organization")
        .actor(admin.id, Some(admin.email.as_str()))
        .resource(org.id)
}

pub fn logout_audit(user: &User) -> NewAuditEntry {
    NewAuditEntry::new(user.organization_id, AuditAction::AuthLogout, "session")
        .actor(user.id, None)
}

pub fn password_audit(user: &User) -> NewAuditEntry {
    NewAuditEntry::new(
        user.organization_id,
        AuditAction::AuthPasswordChanged,
        "user",
    )
    .actor(user.id, None)
}

pub fn on_reuse(session: &Session) -> NewAuditEntry {
    NewAuditEntry::new(
        session.organization_id,
        AuditAction::AuthRefreshReuseDetected,
        "session",
    )
    .actor(session.user_id, None)
    .resource(session.id)
    .failed("refresh_token_reused")
}

/// A test entry of `org`.
pub fn audit_entry(org: &Organization, action: AuditAction) -> NewAuditEntry {
    NewAuditEntry::new(org.id, action, "test").details(serde_json::json!({"n": 1}))
}

pub fn audit_entries(db: &Database, org: OrganizationId) -> Vec<AuditEntry> {
    db.audit()
        .list(org, &AuditFilter::default(), None, 10_000)
        .unwrap()
        .items
}

/// The migrations shipped for SQLite (both backends have the same list), oldest first.
pub fn migration_names() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/sqlite");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An audit entry of `org` for the repository calls that record one.
pub fn au(org: xdr_domain::OrganizationId) -> xdr_domain::audit::NewAuditEntry {
    xdr_domain::audit::NewAuditEntry::new(
        org,
        xdr_domain::audit::AuditAction::CredentialUpdated,
        "credential",
    )
}
