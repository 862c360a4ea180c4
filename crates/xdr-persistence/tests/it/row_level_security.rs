//! PostgreSQL row-level security, the second tenant wall, holds on its own: with the
//! application's organization filter bypassed (raw, unfiltered SQL), the database still shows
//! and accepts only the scoped organization's rows. PostgreSQL only; like every PostgreSQL
//! test, these fail (never skip) when the server is unreachable.

pub(crate) mod seed;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Text};
use xdr_domain::ports::{RepoResult, UserRepository};
use xdr_domain::{OrganizationId, RepoError};
use xdr_persistence::test_support::{APP_ROLE, TestDatabase, tenant_scope, unscoped};
use xdr_persistence::{AnyConnection, Database, DatabaseConfig};

use crate::support::postgres;

#[derive(QueryableByName)]
struct Tenant {
    #[diesel(sql_type = Text)]
    organization_id: String,
}

#[derive(QueryableByName)]
struct TenantTable {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    tenant_column: String,
}

/// Every table of the schema with an `organization_id` column, and `organizations` (keyed on
/// `id`), read from the catalog: a table added later is in the list without editing this test.
const TENANT_TABLES: &str = "\
    SELECT c.relname::text AS table_name, a.attname::text AS tenant_column \
    FROM pg_class c \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
      AND (a.attname = 'organization_id' OR (c.relname = 'organizations' AND a.attname = 'id')) \
    ORDER BY 1";

fn pg(conn: &mut AnyConnection) -> &mut PgConnection {
    match conn {
        AnyConnection::Postgresql(pg) => pg,
        AnyConnection::Sqlite(_) => panic!("these tests run on PostgreSQL"),
    }
}

fn admin(t: &TestDatabase) -> PgConnection {
    PgConnection::establish(&t.admin_url().unwrap()).unwrap()
}

fn tenant_tables(conn: &mut PgConnection) -> Vec<TenantTable> {
    let tables: Vec<TenantTable> = diesel::sql_query(TENANT_TABLES).load(conn).unwrap();
    assert!(tables.len() >= 17, "tenant tables: {}", tables.len());
    tables
}

/// The organization of every row of `table`, with no filter of ours.
fn owners(conn: &mut PgConnection, table: &TenantTable) -> QueryResult<Vec<String>> {
    let sql = format!(
        "SELECT {}::text AS organization_id FROM {}",
        table.tenant_column, table.table_name
    );
    let rows: Vec<Tenant> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.into_iter().map(|r| r.organization_id).collect())
}

/// Two organizations with rows in every tenant table.
fn two_organizations(db: &Database) -> (OrganizationId, OrganizationId) {
    let (a, _) = seed::organization(db);
    let (b, _) = seed::organization(db);
    seed::anchor_audit_logs(db, &[&a, &b]);
    (a.id, b.id)
}

/// (a) Scoped to A, unfiltered reads of every tenant table see A's rows only, although B's rows
/// are there (as the superuser sees). (b) With no scope, they see nothing.
#[test]
fn a_tenant_scope_sees_only_its_organization() {
    let t = postgres();
    let db = t.database();
    let (a, b) = two_organizations(&db);
    let mut superuser = admin(&t);
    let tables = tenant_tables(&mut superuser);
    for table in &tables {
        let all = owners(&mut superuser, table).unwrap();
        for org in [a, b] {
            let name = &table.table_name;
            assert!(all.contains(&org.to_string()), "{name} has rows of {org}");
        }
    }
    let seen = tenant_scope(&db, a, |conn| {
        let conn = pg(conn);
        Ok(tables
            .iter()
            .map(|t| owners(conn, t).unwrap())
            .collect::<Vec<_>>())
    })
    .unwrap();
    for (table, owners) in tables.iter().zip(seen) {
        assert!(!owners.is_empty(), "{} shows A's rows", table.table_name);
        assert!(
            owners.iter().all(|o| *o == a.to_string()),
            "{} shows only A's rows: {owners:?}",
            table.table_name
        );
    }
    unscoped(&db, |conn| {
        let conn = pg(conn);
        for table in &tables {
            let owners = owners(conn, table).unwrap();
            assert!(owners.is_empty(), "{}: {owners:?}", table.table_name);
        }
    });
}

fn rls_violation(result: RepoResult<usize>) {
    let error = result.unwrap_err();
    assert!(
        matches!(&error, RepoError::Internal(m) if m.contains("row-level security")),
        "{error:?}"
    );
}

/// (c) Scoped to A, writing a row of B fails, by insert or by update; B's rows cannot be
/// changed or deleted either. The same insert scoped to B succeeds.
#[test]
fn a_tenant_scope_cannot_write_another_organization() {
    let t = postgres();
    let db = t.database();
    let (a, b) = two_organizations(&db);
    let insert = format!(
        "INSERT INTO detection_rules (organization_id, rule, enabled, threshold, window_seconds, \
         updated_at) VALUES ('{b}', 'port_scan', TRUE, 5, 60, now())"
    );
    let exec = |org: OrganizationId, sql: &str| {
        tenant_scope(&db, org, |conn| {
            diesel::sql_query(sql)
                .execute(pg(conn))
                .map_err(|e| RepoError::Internal(e.to_string()))
        })
    };
    rls_violation(exec(a, &insert));
    rls_violation(exec(
        a,
        &format!("UPDATE log_sources SET organization_id = '{b}' WHERE organization_id = '{a}'"),
    ));
    let of_b = format!("WHERE organization_id = '{b}'");
    let renamed = exec(a, &format!("UPDATE log_sources SET name = 'x' {of_b}"));
    assert_eq!(renamed.unwrap(), 0, "B's rows are invisible to A");
    let deleted = exec(a, &format!("DELETE FROM log_sources {of_b}"));
    assert_eq!(deleted.unwrap(), 0);
    assert_eq!(exec(b, &insert).unwrap(), 1);
    let count: i64 = diesel::select(diesel::dsl::sql::<BigInt>(&format!(
        "(SELECT count(*) FROM log_sources {of_b} AND name <> 'x')"
    )))
    .get_result(&mut admin(&t))
    .unwrap();
    assert_eq!(count, 1, "B's log source is untouched");
}

#[derive(QueryableByName, Debug)]
#[allow(dead_code)] // `table_name` is read by `Debug`, in the failure message.
struct Protection {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Bool)]
    enabled: bool,
    #[diesel(sql_type = Bool)]
    forced: bool,
    #[diesel(sql_type = Integer)]
    policies: i32,
}

/// (d) Every tenant table has row-level security enabled and forced (the application's role
/// owns the tables), with a policy. A migration that adds a tenant table without them fails
/// here.
#[test]
fn every_tenant_table_is_protected() {
    let t = postgres();
    let mut conn = PgConnection::establish(t.url()).unwrap();
    let tables = tenant_tables(&mut conn);
    let sql = format!(
        "SELECT c.relname::text AS table_name, c.relrowsecurity AS enabled, \
         c.relforcerowsecurity AS forced, \
         (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies \
         FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace \
         AND c.relname IN ({})",
        tables
            .iter()
            .map(|t| format!("'{}'", t.table_name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let protections: Vec<Protection> = diesel::sql_query(sql).load(&mut conn).unwrap();
    assert_eq!(protections.len(), tables.len());
    for p in &protections {
        assert!(p.enabled && p.forced && p.policies > 0, "{p:?}");
    }
    let owner: String = diesel::select(diesel::dsl::sql::<Text>(
        "(SELECT tableowner::text FROM pg_tables WHERE tablename = 'users')",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(owner, APP_ROLE, "the application's role owns the tables");
}

/// (e) The organization is set per transaction: once a repository call has committed, the
/// same pooled connection, outside any scope, sees no tenant row.
#[test]
fn the_scope_does_not_outlive_its_transaction() {
    let t = postgres();
    let config = DatabaseConfig {
        pool_size: 1,
        ..DatabaseConfig::new(t.url())
    };
    let db = Database::connect(&config).unwrap();
    let (org, admin) = seed::organization(&db);
    let pid_sql = diesel::dsl::sql::<Integer>("pg_backend_pid()");
    let scoped_pid = tenant_scope(&db, org.id, |conn| {
        Ok(diesel::select(pid_sql.clone())
            .get_result::<i32>(pg(conn))
            .unwrap())
    })
    .unwrap();
    assert!(db.users().get(org.id, admin.id).unwrap().is_some());
    assert!(db.users().find_by_email(&admin.email).unwrap().is_some());
    unscoped(&db, |conn| {
        let conn = pg(conn);
        let pid: i32 = diesel::select(pid_sql.clone()).get_result(conn).unwrap();
        assert_eq!(pid, scoped_pid, "the one pooled connection");
        let users = owners(conn, &users_table()).unwrap();
        assert!(users.is_empty(), "{users:?}");
    });
}

fn users_table() -> TenantTable {
    TenantTable {
        table_name: "users".into(),
        tenant_column: "organization_id".into(),
    }
}

/// The start-up check: row-level security applies to the application's role, not to a
/// superuser (which the server warns about).
#[test]
fn a_superuser_is_reported_as_bypassing_row_security() {
    let t = postgres();
    assert_eq!(t.database().role_bypassing_row_security().unwrap(), None);
    let superuser = Database::connect(&DatabaseConfig::new(t.admin_url().unwrap())).unwrap();
    let role = superuser.role_bypassing_row_security().unwrap();
    assert!(role.is_some(), "{role:?}");
    assert_eq!(
        crate::support::sqlite()
            .database()
            .role_bypassing_row_security()
            .unwrap(),
        None
    );
}
