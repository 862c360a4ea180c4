//! Helpers of the agent tests: enrollment tokens (stored through the repository until an HTTP
//! endpoint mints them), enrolling, reading what users see, and (`signing`) signed requests.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::onboarding::{AgentPlatform, EnrollmentToken};
use xdr_domain::ports::OnboardingRepository;
use xdr_domain::{EnrollmentTokenId, OrganizationId};

use super::{Reply, TestApp, get, post, send};

mod signing;
pub use signing::*;

pub const ENROLL: &str = "/api/v1/agents/enroll";
pub const HEARTBEAT: &str = "/api/v1/agents/heartbeat";
pub const EVENTS: &str = "/api/v1/agents/events";
pub const ROTATE: &str = "/api/v1/agents/rotate-secret";
pub const UNENROLL: &str = "/api/v1/agents/unenroll";
pub const AGENTS: &str = "/api/v1/agents";

/// A Linux token of `org` with `max_uses`, created at `created_at`, expiring at `expires_at`.
pub fn token_record(
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    max_uses: u32,
) -> EnrollmentToken {
    EnrollmentToken {
        id: EnrollmentTokenId::generate(),
        platform: AgentPlatform::Linux,
        label: Some("test hosts".into()),
        created_by: None,
        created_at,
        expires_at,
        max_uses,
        uses: 0,
        revoked_at: None,
    }
}

/// Stores `token` for `org` under a fresh secret (hashed as redemption hashes it) and returns
/// the secret.
pub fn store_token(t: &TestApp, org: &str, token: &EnrollmentToken) -> String {
    let org: OrganizationId = org.parse().unwrap();
    let raw = xdr_crypto::random_token();
    let hash = xdr_crypto::hash_token(raw.expose());
    let audit = NewAuditEntry::new(org, AuditAction::EnrollmentTokenCreated, "test");
    t.db.database()
        .onboarding()
        .create_enrollment_token(org, token, &hash, audit)
        .unwrap();
    raw.expose().to_owned()
}

/// An active token of `org` (a day to live) with `max_uses`. One place to swap for
/// `POST /onboarding/enrollment-tokens` once it exists.
pub fn mint_token(t: &TestApp, org: &str, max_uses: u32) -> String {
    let now = Utc::now();
    store_token(
        t,
        org,
        &token_record(now, now + Duration::hours(24), max_uses),
    )
}

/// A token of `org` that expired an hour ago.
pub fn mint_expired_token(t: &TestApp, org: &str) -> String {
    let now = Utc::now();
    let record = token_record(now - Duration::hours(25), now - Duration::hours(1), 5);
    store_token(t, org, &record)
}

/// A token of `org` with its id, to revoke later.
pub fn mint_token_with_id(t: &TestApp, org: &str) -> (String, EnrollmentTokenId) {
    let now = Utc::now();
    let record = token_record(now, now + Duration::hours(24), 5);
    (store_token(t, org, &record), record.id)
}

pub fn revoke_token(t: &TestApp, org: &str, id: EnrollmentTokenId) {
    let org: OrganizationId = org.parse().unwrap();
    let audit = NewAuditEntry::new(org, AuditAction::EnrollmentTokenRevoked, "test");
    let revoked =
        t.db.database()
            .onboarding()
            .revoke_enrollment_token(org, id, Utc::now(), audit)
            .unwrap();
    assert!(revoked.is_some());
}

/// An enrolled agent's credentials, as it keeps them on its disk.
#[derive(Debug, Clone)]
pub struct Agent {
    pub id: String,
    pub secret: String,
    pub instance_id: String,
    pub hostname: String,
}

pub fn enroll_body(token: &str, instance_id: &str, hostname: &str) -> Value {
    json!({
        "enrollment_token": token,
        "instance_id": instance_id,
        "hostname": hostname,
        "platform": "linux",
        "os_version": "Ubuntu 24.04",
        "ip_address": "192.0.2.10",
        "agent_version": "0.1.0",
    })
}

pub fn new_instance_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub async fn enroll_reply<S, B>(app: &S, body: Value) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(app, post(ENROLL, None, body)).await
}

/// Enrolls a new instance named `hostname` with `token`.
pub async fn enroll<S, B>(app: &S, token: &str, hostname: &str) -> Agent
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let instance_id = new_instance_id();
    let reply = enroll_reply(app, enroll_body(token, &instance_id, hostname)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    Agent {
        id: reply.body["agent_id"].as_str().unwrap().to_owned(),
        secret: reply.body["agent_secret"].as_str().unwrap().to_owned(),
        instance_id,
        hostname: hostname.to_owned(),
    }
}

/// Mints a one-use token of `org` and enrolls `hostname` with it.
pub async fn new_agent<S, B>(t: &TestApp, app: &S, org: &str, hostname: &str) -> Agent
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let token = mint_token(t, org, 1);
    enroll(app, &token, hostname).await
}

/// Whether `secret` is 32 bytes as unpadded base64url.
pub fn is_agent_secret(secret: &str) -> bool {
    secret.len() == 43
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && URL_SAFE_NO_PAD
            .decode(secret)
            .is_ok_and(|key| key.len() == 32)
}

/// Every stored event of the organization (at most 500), newest first.
pub async fn events_of<S, B>(app: &S, access: &str) -> Vec<Value>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(app, get("/api/v1/events?limit=500", Some(access))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

/// The organization's audit entries of `action`, newest first.
pub async fn audit_of<S, B>(app: &S, access: &str, action: &str) -> Vec<Value>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let path = format!("/api/v1/audit-logs?action={action}&limit=500");
    let reply = send(app, get(&path, Some(access))).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

/// `GET /agents/{id}` as `access`.
pub async fn agent_view<S, B>(app: &S, access: &str, id: &str) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(app, get(&format!("{AGENTS}/{id}"), Some(access))).await
}
