//! Signing agent requests as docs/api.md ("Signed requests") defines it, with `hmac` and
//! `sha2` directly (independent of the product's signer), and forging them.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Agent, HEARTBEAT};
use crate::common::Reply;

/// `X-Signature` as docs/api.md defines it.
pub fn signature(
    secret: &str,
    method: &str,
    path_with_query: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> String {
    let key = URL_SAFE_NO_PAD.decode(secret).unwrap();
    let message = format!(
        "{method}\n{path_with_query}\n{timestamp}\n{nonce}\n{}",
        hex::encode(Sha256::digest(body))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// 16 random bytes as lower-case hex.
pub fn fresh_nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// A signed request being built: by default POST `path` with `body`, signed by the agent now
/// with a fresh nonce. Each setter changes what is sent or what is signed, to forge.
#[derive(Debug, Clone)]
pub struct Signer {
    method: String,
    path: String,
    body: Vec<u8>,
    agent_id: String,
    secret: String,
    pub timestamp: String,
    pub nonce: String,
    signed_method: Option<String>,
    signed_path: Option<String>,
    signed_body: Option<Vec<u8>>,
    signature: Option<String>,
    omit: Vec<&'static str>,
}

pub fn signed(agent: &Agent, path: &str, body: &Value) -> Signer {
    Signer {
        method: "POST".into(),
        path: path.into(),
        body: body.to_string().into_bytes(),
        agent_id: agent.id.clone(),
        secret: agent.secret.clone(),
        timestamp: Utc::now().timestamp().to_string(),
        nonce: fresh_nonce(),
        signed_method: None,
        signed_path: None,
        signed_body: None,
        signature: None,
        omit: Vec::new(),
    }
}

impl Signer {
    pub fn method(mut self, method: &str) -> Self {
        self.method = method.into();
        self
    }
    /// Sends (and signs) to another request target.
    pub fn to(mut self, path_with_query: &str) -> Self {
        self.path = path_with_query.into();
        self
    }
    pub fn raw_body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }
    pub fn at(mut self, unix_seconds: i64) -> Self {
        self.timestamp = unix_seconds.to_string();
        self
    }
    pub fn timestamp(mut self, raw: &str) -> Self {
        self.timestamp = raw.into();
        self
    }
    pub fn nonce(mut self, nonce: &str) -> Self {
        self.nonce = nonce.into();
        self
    }
    pub fn secret(mut self, secret: &str) -> Self {
        self.secret = secret.into();
        self
    }
    pub fn agent_id(mut self, id: &str) -> Self {
        self.agent_id = id.into();
        self
    }
    /// Signs another method than the one sent.
    pub fn signing_method(mut self, method: &str) -> Self {
        self.signed_method = Some(method.into());
        self
    }
    /// Signs another path than the one sent.
    pub fn signing_path(mut self, path: &str) -> Self {
        self.signed_path = Some(path.into());
        self
    }
    /// Signs another body than the one sent.
    pub fn signing_body(mut self, body: &[u8]) -> Self {
        self.signed_body = Some(body.to_vec());
        self
    }
    /// Sends this `X-Signature` instead of the computed one.
    pub fn signature(mut self, signature: &str) -> Self {
        self.signature = Some(signature.into());
        self
    }
    pub fn without(mut self, header: &'static str) -> Self {
        self.omit.push(header);
        self
    }

    /// The `X-Signature` this request carries.
    pub fn computed_signature(&self) -> String {
        self.signature.clone().unwrap_or_else(|| {
            signature(
                &self.secret,
                self.signed_method.as_deref().unwrap_or(&self.method),
                self.signed_path.as_deref().unwrap_or(&self.path),
                &self.timestamp,
                &self.nonce,
                self.signed_body.as_deref().unwrap_or(&self.body),
            )
        })
    }

    pub fn request(&self) -> TestRequest {
        let method = Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut req = TestRequest::default()
            .method(method)
            .uri(&self.path)
            .insert_header(("Content-Type", "application/json"))
            .set_payload(self.body.clone());
        let headers = [
            ("X-Agent-Id", self.agent_id.clone()),
            ("X-Timestamp", self.timestamp.clone()),
            ("X-Nonce", self.nonce.clone()),
            ("X-Signature", self.computed_signature()),
        ];
        for (name, value) in headers {
            if !self.omit.contains(&name) {
                req = req.insert_header((name, value));
            }
        }
        req
    }
}

/// A plain signed heartbeat of `agent`, now.
pub fn heartbeat(agent: &Agent) -> Signer {
    signed(agent, HEARTBEAT, &json!({"status": "ok"}))
}

pub const INVALID_SIGNATURE: &str = "The request's agent signature is missing or invalid.";

/// The one refusal of a signed request: 401 `invalid_signature`, with the server's clock.
#[track_caller]
pub fn assert_invalid_signature(reply: &Reply, what: &str) {
    assert_invalid_signature_near(reply, what, Utc::now().timestamp());
}

/// As `assert_invalid_signature`, for an app on a manual clock now at `clock_now`:
/// `X-Server-Time` may be either that clock or the wall clock (the same in production).
#[track_caller]
pub fn assert_invalid_signature_near(reply: &Reply, what: &str, clock_now: i64) {
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "{what}: {:?}",
        reply.body
    );
    assert_eq!(
        reply.body,
        json!({"error": {"code": "invalid_signature", "message": INVALID_SIGNATURE}}),
        "{what}"
    );
    server_time_near(reply, what, clock_now);
}

/// `X-Server-Time` is the server's unix time, in decimal.
#[track_caller]
pub fn assert_server_time(reply: &Reply, what: &str) {
    server_time_near(reply, what, Utc::now().timestamp());
}

#[track_caller]
fn server_time_near(reply: &Reply, what: &str, clock_now: i64) {
    let header = reply
        .headers
        .get("x-server-time")
        .unwrap_or_else(|| panic!("{what}: no X-Server-Time"));
    let sent: i64 = header.to_str().unwrap().parse().unwrap();
    let near = |t: i64| (sent - t).abs() <= 5;
    assert!(
        near(clock_now) || near(Utc::now().timestamp()),
        "{what}: {sent}"
    );
}

/// The signer against the example of xdr-auth's tests (computed there with Python's hmac and
/// hashlib), so that a mistake here cannot hide the same mistake in the product.
#[test]
fn the_test_signer_follows_the_contract() {
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    let nonce = "ab".repeat(16);
    let body = br#"{"status":"ok"}"#;
    assert_eq!(
        signature(secret, "POST", HEARTBEAT, "1767225600", &nonce, body),
        "cac389e6da4c962f228dc96ded27976df91382a413f934ed17023e77247a1a36"
    );
}
