//! `AgentRepository` on both backends: redemption of enrollment tokens (`enroll`), what a
//! signed agent request stores (`signed`), and the walls between organizations (`tenancy`).
//! Fixtures below; enrollment tokens and assets are written in SQL (their repository is
//! another's).

mod batches;
mod enroll;
mod parallel;
mod refusals;
mod signed;
mod tenancy;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use uuid::Uuid;
use xdr_domain::agents::{Agent, EnrollRefused, NewAgentFacts};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::onboarding::AgentPlatform;
use xdr_domain::ports::{AgentRepository, EnrolledAgent, RepoResult};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{AgentId, OrganizationId};
use xdr_persistence::Database;
use xdr_persistence::schema::{agent_secrets, agents, assets, enrollment_tokens};
use xdr_persistence::test_support::{execute_sql, tenant_scope};

use crate::support::audit_entries;

/// A stored enrollment token: its id and the hash the agent's token has.
#[derive(Debug, Clone)]
pub struct Token {
    pub id: Uuid,
    pub hash: String,
}

fn sql_time(at: DateTime<Utc>) -> String {
    format!("'{}'", at.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f"))
}

fn sql_opt_time(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "NULL".to_owned(), sql_time)
}

/// A token of `org` with these terms, created an hour before `expires_at`.
pub fn token_with(
    db: &Database,
    org: OrganizationId,
    max_uses: u32,
    uses: u32,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
) -> Token {
    let token = Token {
        id: Uuid::now_v7(),
        hash: format!(
            "{:x}{:x}",
            Uuid::new_v4().as_u128(),
            Uuid::new_v4().as_u128()
        ),
    };
    let sql = format!(
        "INSERT INTO enrollment_tokens (id, organization_id, token_hash, platform, label, \
         created_by, created_at, expires_at, max_uses, uses, revoked_at) VALUES ('{}', '{org}', \
         '{}', 'linux', NULL, NULL, {}, {}, {max_uses}, {uses}, {})",
        token.id,
        token.hash,
        sql_time(expires_at - Duration::hours(1)),
        sql_time(expires_at),
        sql_opt_time(revoked_at),
    );
    assert_eq!(execute_sql(db, &sql), 1, "{sql}");
    token
}

/// An active token of `org` (valid for a day after `at`).
pub fn token(db: &Database, org: OrganizationId, max_uses: u32, at: DateTime<Utc>) -> Token {
    token_with(db, org, max_uses, 0, at + Duration::days(1), None)
}

/// An asset of `org` at `ip` (with the discovery scan it needs).
pub fn asset(db: &Database, org: OrganizationId, ip: &str) -> Uuid {
    let (scan, asset) = (Uuid::now_v7(), Uuid::now_v7());
    let t = sql_time(Utc::now());
    for sql in [
        format!(
            "INSERT INTO discovery_scans VALUES ('{scan}', '{org}', 'completed', '[]', '[]', \
             '[]', 0, 0, 0, {t}, {t}, {t}, NULL, NULL)"
        ),
        format!(
            "INSERT INTO assets VALUES ('{asset}', '{org}', '{ip}', NULL, 'linux', 0.5, \
             'linux_server', 'high', '[]', NULL, '{scan}', {t}, {t})"
        ),
    ] {
        assert_eq!(execute_sql(db, &sql), 1, "{sql}");
    }
    asset
}

pub fn facts(instance_id: Uuid) -> NewAgentFacts {
    NewAgentFacts {
        instance_id,
        hostname: "web-1".to_owned(),
        platform: AgentPlatform::Linux,
        os_version: Some("Debian 12".to_owned()),
        ip_address: None,
        agent_version: Some("1.0.0".to_owned()),
        replaces: None,
    }
}

pub fn sealed(version: u32, tag: &str) -> SealedSecret {
    SealedSecret::new(version, format!("v1:{version}:{tag}"))
}

/// `agent.enrolled` for the agent, and `agent.superseded` for the one it replaced.
pub fn enroll_audits(org: OrganizationId) -> impl Fn(&EnrolledAgent) -> Vec<NewAuditEntry> {
    move |applied| {
        let mut entries = vec![
            NewAuditEntry::new(org, AuditAction::AgentEnrolled, "agent").resource(applied.agent.id),
        ];
        if let Some(old) = applied.superseded {
            entries
                .push(NewAuditEntry::new(org, AuditAction::AgentSuperseded, "agent").resource(old));
        }
        entries
    }
}

pub fn enroll(
    db: &Database,
    org: OrganizationId,
    token_hash: &str,
    facts: &NewAgentFacts,
    secret: &SealedSecret,
    now: DateTime<Utc>,
) -> RepoResult<Result<EnrolledAgent, EnrollRefused>> {
    db.agents()
        .enroll(org, token_hash, facts, secret, now, &enroll_audits(org))
}

/// A freshly enrolled agent of `org` (its own token), sealed with key version 1.
pub fn enrolled(db: &Database, org: OrganizationId, at: DateTime<Utc>) -> Agent {
    let t = token(db, org, 1, at);
    enroll(
        db,
        org,
        &t.hash,
        &facts(Uuid::new_v4()),
        &sealed(1, "first"),
        at,
    )
    .unwrap()
    .unwrap()
    .agent
}

pub fn audit(org: OrganizationId, action: AuditAction, agent: AgentId) -> NewAuditEntry {
    NewAuditEntry::new(org, action, "agent").resource(agent)
}

/// How many audit entries of `org` record `action`.
pub fn audited(db: &Database, org: OrganizationId, action: AuditAction) -> usize {
    audit_entries(db, org)
        .iter()
        .filter(|e| e.entry.action == action)
        .count()
}

pub fn token_uses(db: &Database, org: OrganizationId, token: &Token) -> i64 {
    tenant_scope(db, org, |conn| {
        Ok(enrollment_tokens::table
            .filter(enrollment_tokens::organization_id.eq(org.to_string()))
            .filter(enrollment_tokens::id.eq(token.id.to_string()))
            .select(enrollment_tokens::uses)
            .first::<i64>(conn)
            .unwrap())
    })
    .unwrap()
}

/// (agents, agent secrets) of `org`.
pub fn stored_agents(db: &Database, org: OrganizationId) -> (i64, i64) {
    tenant_scope(db, org, |conn| {
        let agents = agents::table
            .filter(agents::organization_id.eq(org.to_string()))
            .count()
            .get_result::<i64>(conn)
            .unwrap();
        let secrets = agent_secrets::table
            .filter(agent_secrets::organization_id.eq(org.to_string()))
            .count()
            .get_result::<i64>(conn)
            .unwrap();
        Ok((agents, secrets))
    })
    .unwrap()
}

/// `(clone_instance_id, superseded_by)` of an agent: kept in storage, not in `Agent`.
pub fn agent_extras(
    db: &Database,
    org: OrganizationId,
    id: AgentId,
) -> (Option<String>, Option<String>) {
    tenant_scope(db, org, |conn| {
        Ok(agents::table
            .filter(agents::organization_id.eq(org.to_string()))
            .filter(agents::id.eq(id.to_string()))
            .select((agents::clone_instance_id, agents::superseded_by))
            .first(conn)
            .unwrap())
    })
    .unwrap()
}

pub fn asset_hostname(db: &Database, org: OrganizationId, asset: Uuid) -> Option<String> {
    tenant_scope(db, org, |conn| {
        Ok(assets::table
            .filter(assets::organization_id.eq(org.to_string()))
            .filter(assets::id.eq(asset.to_string()))
            .select(assets::hostname)
            .first::<Option<String>>(conn)
            .unwrap())
    })
    .unwrap()
}

pub fn asset_agent(db: &Database, org: OrganizationId, asset: Uuid) -> Option<String> {
    tenant_scope(db, org, |conn| {
        Ok(assets::table
            .filter(assets::organization_id.eq(org.to_string()))
            .filter(assets::id.eq(asset.to_string()))
            .select(assets::agent_id)
            .first::<Option<String>>(conn)
            .unwrap())
    })
    .unwrap()
}
