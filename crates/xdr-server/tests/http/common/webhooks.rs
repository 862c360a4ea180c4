//! Helpers of the webhook tests: settings that reach a local receiver, configuring an
//! endpoint, taking actions and waiting (a bounded number of polls) for their outcome.

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{Value, json};
use xdr_domain::SystemClock;
use xdr_domain::webhooks::{RetryPolicy, UrlPolicy};
use xdr_http::{AppState, HttpConfig};
use xdr_service::webhooks::DeliveryConfig;

use super::receiver::Received;
use super::{Backend, TestApp, failed_logins, get, post, send, state_for, vault_ring};

pub const WEBHOOK: &str = "/api/v1/integrations/webhook";
/// Polls of an action's status before a test gives up (each after a short sleep).
const MAX_POLLS: usize = 600;
const POLL_INTERVAL: Duration = Duration::from_millis(50);

impl TestApp {
    /// An app whose webhook deliveries follow `webhooks` (tests allow http and 127.0.0.1).
    pub fn with_webhooks(backend: Backend, webhooks: DeliveryConfig) -> Self {
        Self::build(
            backend,
            HttpConfig::default(),
            Arc::new(SystemClock),
            webhooks,
        )
    }

    /// Another application state on this app's database with other webhook settings (as a
    /// server restarted with another configuration would have).
    pub fn state_with_webhooks(&self, webhooks: DeliveryConfig) -> AppState {
        state_for(
            &self.db,
            self.state.config.clone(),
            vault_ring(),
            Arc::clone(&self.clock),
            webhooks,
        )
    }
}

/// Deliveries allowed to `http://127.0.0.1`, with a short timeout and quick retries.
pub fn local_delivery() -> DeliveryConfig {
    DeliveryConfig {
        url_policy: UrlPolicy {
            allow_http: true,
            allow_private_networks: true,
        },
        timeout: Duration::from_secs(1),
        retry: RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        },
        ..DeliveryConfig::default()
    }
}

/// PUTs `{url}` as `token` (asserting 201) and returns the body, secret included.
pub async fn configure<S, B>(app: &S, token: &str, url: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(app, put(WEBHOOK, Some(token), json!({ "url": url }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

pub fn put(path: &str, token: Option<&str>, body: Value) -> actix_web::test::TestRequest {
    let req = actix_web::test::TestRequest::put().uri(path).set_json(body);
    match token {
        Some(t) => req.insert_header(("Authorization", format!("Bearer {t}"))),
        None => req,
    }
}

/// Opens an incident (six failed SSH logins; below the default policy) and returns its id.
pub async fn open_incident<S, B>(app: &S, token: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(
        app,
        post(
            "/api/v1/events",
            Some(token),
            failed_logins("203.0.113.7", 6),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{:?}", reply.body);
    reply.body["incidents_opened"][0]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A manual `notify` on `incident` (asserting 201); the action log as answered.
pub async fn act<S, B>(app: &S, token: &str, incident: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let path = format!("/api/v1/incidents/{incident}/actions");
    let body = json!({"action": "notify", "params": {"channel": "soc"}});
    let reply = send(app, post(&path, Some(token), body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    reply.body
}

/// The action `id` once it is no longer `pending` (polled a bounded number of times).
pub async fn settled<S, B>(app: &S, token: &str, id: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for _ in 0..MAX_POLLS {
        let actions = send(app, get("/api/v1/actions", Some(token))).await.body;
        let found = actions["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no action {id} in {actions}"));
        if found["status"] != "pending" {
            return found;
        }
        actix_web::rt::time::sleep(POLL_INTERVAL).await;
    }
    panic!("action {id} still pending after {MAX_POLLS} polls");
}

/// Waits (bounded) until `count()` reaches `n`.
pub async fn until(what: &str, n: usize, count: impl Fn() -> usize) {
    for _ in 0..MAX_POLLS {
        if count() >= n {
            return;
        }
        actix_web::rt::time::sleep(POLL_INTERVAL).await;
    }
    panic!("{what}: fewer than {n} after {MAX_POLLS} polls");
}

/// Whether `received` carries a valid signature under `secret`, as a receiver checks it.
pub fn signature_verifies(secret: &str, received: &Received) -> bool {
    let timestamp = &received.headers["x-minixdr-timestamp"];
    let Some(hex) = received.headers["x-minixdr-signature"].strip_prefix("sha256=") else {
        return false;
    };
    let Ok(tag) = hex::decode(hex) else {
        return false;
    };
    let signed = format!("{timestamp}.{}", received.body);
    xdr_crypto::verify_hmac_sha256(secret.as_bytes(), signed.as_bytes(), &tag)
}
