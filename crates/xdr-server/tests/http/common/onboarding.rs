//! Helpers of the onboarding tests.

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::{get, send};

pub const ONBOARDING: &str = "/api/v1/onboarding";

pub fn profile() -> Value {
    json!({"region": "eu-west", "industry": "finance", "company_size": "51-200"})
}

pub fn enroll_body(token: &str, instance: &str) -> Value {
    json!({"enrollment_token": token, "instance_id": instance, "hostname": "web-1",
           "platform": "linux", "os_version": "Debian 12", "ip_address": "127.0.0.5"})
}

/// The organization's enrollment tokens, as listed.
pub async fn tokens<S, B>(app: &S, token: &str) -> Vec<Value>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(
        app,
        get(&format!("{ONBOARDING}/enrollment-tokens"), Some(token)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["items"].as_array().cloned().unwrap_or_default()
}

/// The organization's audit actions, oldest first.
pub async fn audit_actions<S, B>(app: &S, token: &str) -> Vec<String>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let reply = send(app, get("/api/v1/audit-logs?limit=500", Some(token))).await;
    let mut actions: Vec<String> = reply.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect();
    actions.reverse();
    actions
}
