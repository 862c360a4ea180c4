//! Shared harness of the HTTP tests: a real actix app on a real, fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use serde_json::{Value, json};
use xdr_auth::{AuthConfig, JwtKeyRing};
use xdr_crypto::{Key, KeyRing};
use xdr_domain::{Clock, SystemClock};
use xdr_http::{AppState, HttpConfig};
pub use xdr_persistence::Backend;
use xdr_persistence::test_support::TestDatabase;
use xdr_service::webhooks::DeliveryConfig;

pub mod agents;
pub mod credentials;
pub mod onboarding;
pub mod receiver;
pub mod webhooks;

/// Lowest bcrypt cost: tests exercise the logic, benchmarks measure the real cost.
pub const TEST_BCRYPT_COST: u32 = 4;
pub const TEST_JWT_KID: &str = "test";
pub const TEST_JWT_SECRET: &[u8] = b"test-secret-test-secret-test-secret!!";
pub const PASSWORD: &str = "violet tractor mango fjord";
/// The vault key (version 1) of every test app.
pub const TEST_VAULT_KEY: [u8; 32] = [0x5a; 32];

/// A fresh database on `backend` (PostgreSQL: on the server of `test_support::pg_admin_url()`,
/// the one the persistence tests use too).
pub fn test_database(backend: Backend) -> TestDatabase {
    TestDatabase::on(backend)
}

pub fn jwt_ring() -> JwtKeyRing {
    JwtKeyRing::new(
        [(TEST_JWT_KID.to_owned(), TEST_JWT_SECRET.to_vec())],
        TEST_JWT_KID,
        "mini-xdr",
        "mini-xdr-api",
    )
    .unwrap()
}

/// A vault key ring holding `TEST_VAULT_KEY` as version 1, active.
pub fn vault_ring() -> KeyRing {
    KeyRing::new([(1, Key::from_bytes(TEST_VAULT_KEY))], 1).unwrap()
}

/// Scans of loopback addresses only (the default policy permits 127.0.0.0/8), with short
/// timeouts; no agent downloads.
pub fn onboarding_config() -> xdr_service::OnboardingConfig {
    xdr_service::OnboardingConfig {
        public_url: "http://127.0.0.1:8080".into(),
        scan_limits: xdr_service::onboarding::ScanLimits {
            connect_timeout: std::time::Duration::from_millis(300),
            banner_timeout: std::time::Duration::from_millis(300),
            ..xdr_service::onboarding::ScanLimits::default()
        },
        ..xdr_service::OnboardingConfig::default()
    }
}

pub fn auth_config() -> AuthConfig {
    AuthConfig {
        bcrypt_cost: TEST_BCRYPT_COST,
        ..AuthConfig::default()
    }
}

pub struct TestApp {
    pub db: TestDatabase,
    pub state: AppState,
    clock: Arc<dyn Clock>,
    webhooks: DeliveryConfig,
}

impl TestApp {
    pub fn new(backend: Backend) -> Self {
        Self::with_http_config(backend, HttpConfig::default())
    }

    pub fn with_http_config(backend: Backend, http: HttpConfig) -> Self {
        Self::build(
            backend,
            http,
            Arc::new(SystemClock),
            DeliveryConfig::default(),
        )
    }

    pub fn with_clock(backend: Backend, clock: Arc<dyn Clock>) -> Self {
        Self::build(
            backend,
            HttpConfig::default(),
            clock,
            DeliveryConfig::default(),
        )
    }

    fn build(
        backend: Backend,
        http: HttpConfig,
        clock: Arc<dyn Clock>,
        webhooks: DeliveryConfig,
    ) -> Self {
        let db = test_database(backend);
        let state = state_for(&db, http, vault_ring(), Arc::clone(&clock), webhooks);
        Self {
            db,
            state,
            clock,
            webhooks,
        }
    }

    /// Another application state on this app's database, with another vault key ring (as a
    /// restarted server after a key rotation would have).
    pub fn state_with_vault(&self, vault: KeyRing) -> AppState {
        state_for(
            &self.db,
            self.state.config.clone(),
            vault,
            Arc::clone(&self.clock),
            self.webhooks,
        )
    }

    pub async fn service(
        &self,
    ) -> impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    > {
        let console = xdr_server::console::console(&self.state);
        test::init_service(xdr_http::app_with(self.state.clone(), move |cfg| {
            console.configure(cfg)
        }))
        .await
    }
}

fn state_for(
    db: &TestDatabase,
    http: HttpConfig,
    vault: KeyRing,
    clock: Arc<dyn Clock>,
    webhooks: DeliveryConfig,
) -> AppState {
    let config = xdr_server::wiring::StateConfig {
        auth: auth_config(),
        jwt: jwt_ring(),
        vault,
        http,
        webhooks,
        agents: xdr_service::AgentConfig::default(),
        ingest: xdr_service::IngestConfig::default(),
        onboarding: onboarding_config(),
    };
    xdr_server::wiring::build_state(&db.database(), config, clock).unwrap()
}

/// A response reduced to what tests look at.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

pub async fn send<S, B>(app: &S, req: TestRequest) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let resp = test::call_service(
        app,
        req.peer_addr("203.0.113.10:40000".parse().unwrap())
            .to_request(),
    )
    .await;
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = test::read_body(resp).await;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Reply {
        status,
        headers,
        body,
    }
}

pub fn get(path: &str, token: Option<&str>) -> TestRequest {
    with_token(TestRequest::get().uri(path), token)
}

pub fn post(path: &str, token: Option<&str>, body: Value) -> TestRequest {
    with_token(TestRequest::post().uri(path).set_json(body), token)
}

pub fn post_empty(path: &str, token: Option<&str>) -> TestRequest {
    with_token(TestRequest::post().uri(path), token)
}

pub fn patch(path: &str, token: Option<&str>, body: Value) -> TestRequest {
    with_token(TestRequest::patch().uri(path).set_json(body), token)
}

pub fn delete(path: &str, token: Option<&str>) -> TestRequest {
    with_token(TestRequest::delete().uri(path), token)
}

/// The secret with its last character changed to a different one: a forgery
/// that is never the secret itself (appending a fixed letter would equal it
/// whenever the secret already ended in that letter).
pub fn one_char_off(secret: &str) -> String {
    let mut chars: Vec<char> = secret.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = if *last == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

fn with_token(req: TestRequest, token: Option<&str>) -> TestRequest {
    match token {
        Some(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
        None => req,
    }
}

/// A registered organization with its admin's tokens.
#[derive(Debug, Clone)]
pub struct Registered {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub org_id: String,
    pub email: String,
    pub body: Value,
}

pub fn register_body(org: &str, email: &str) -> Value {
    json!({
        "organization_name": org,
        "admin_email": email,
        "admin_password": PASSWORD,
        "admin_name": "Ada Admin",
    })
}

pub async fn register<S, B>(app: &S, org: &str, email: &str) -> Registered
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(
        app,
        post("/api/v1/auth/register", None, register_body(org, email)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    Registered {
        access: reply.body["access_token"].as_str().unwrap().to_owned(),
        refresh: reply.body["refresh_token"].as_str().unwrap().to_owned(),
        user_id: reply.body["user"]["id"].as_str().unwrap().to_owned(),
        org_id: reply.body["organization"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        email: email.to_owned(),
        body: reply.body,
    }
}

pub async fn login<S, B>(app: &S, email: &str, password: &str) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(
        app,
        post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        ),
    )
    .await
}

/// Runs each named `async fn(Backend)` test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[actix_web::test]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

/// Runs each named `fn(Backend)` test (the binary tests: they drive real processes, not an
/// async app) on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends_sync {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::common::Backend::Sqlite);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::common::Backend::Postgres);
                }
            )*
        }
    };
}

/// Invites `email` with `role` as `admin`, accepts, and returns the new member's login reply.
pub async fn add_member<S, B>(app: &S, admin: &Registered, email: &str, role: &str) -> Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let invited = send(
        app,
        post(
            "/api/v1/invitations",
            Some(&admin.access),
            json!({"email": email, "role": role}),
        ),
    )
    .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    let token = invited.body["token"].as_str().unwrap();
    let accepted = send(
        app,
        post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "full_name": "New Member", "password": PASSWORD}),
        ),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{:?}", accepted.body);
    accepted
}

pub fn access_of(reply: &Reply) -> String {
    reply.body["access_token"].as_str().unwrap().to_owned()
}

/// A batch of `n` failed SSH logins from `ip` (what ssh_brute_force counts).
pub fn failed_logins(ip: &str, n: usize) -> Value {
    let events: Vec<Value> = (0..n)
        .map(|i| {
            json!({"event_type": "cowrie.login.failed", "src_ip": ip, "dst_port": 22,
                   "username": "root", "raw": {"session": format!("s{i}")}})
        })
        .collect();
    json!({ "events": events })
}
