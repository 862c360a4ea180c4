//! Signed-request headers (API.md, "Signed requests") and the clock offset they are stamped
//! with: the agent signs with local time + (server time − local time) as last learned, so a
//! host whose clock is off by minutes still lands inside the server's ±300 s window.

use std::sync::atomic::{AtomicI64, Ordering};

use rand::RngCore;
use thiserror::Error;
use xdr_auth::agent_signature::{decode_secret, sign};
use zeroize::Zeroizing;

use crate::state::Credentials;

/// Random bytes of a nonce (sent as twice as many hex characters).
pub const NONCE_BYTES: usize = 16;
/// An observed server time closer than this to our corrected clock leaves the offset alone
/// (responses carry whole seconds and take time to arrive).
pub const OFFSET_TOLERANCE_SECONDS: i64 = 2;

/// Seconds to add to the local clock to get the server's.
#[derive(Debug, Default)]
pub struct ClockOffset(AtomicI64);

impl ClockOffset {
    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self, offset: i64) {
        self.0.store(offset, Ordering::Relaxed);
    }

    /// Local unix seconds.
    pub fn local_now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    /// Our best guess of the server's unix seconds.
    pub fn server_now(&self) -> i64 {
        Self::local_now() + self.get()
    }

    /// Learns from a server time seen at local time `local`; returns whether the offset
    /// changed.
    pub fn observe(&self, server: i64, local: i64) -> bool {
        let offset = server - local;
        if (offset - self.get()).abs() > OFFSET_TOLERANCE_SECONDS {
            self.set(offset);
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Error)]
#[error("the agent secret in the state file is not 32 bytes of base64url")]
pub struct BadSecret;

/// The four headers of one signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub agent_id: String,
    pub timestamp: String,
    pub nonce: String,
    pub signature: String,
}

impl SignedHeaders {
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("X-Agent-Id", &self.agent_id),
            ("X-Timestamp", &self.timestamp),
            ("X-Nonce", &self.nonce),
            ("X-Signature", &self.signature),
        ]
    }
}

/// An agent's id and HMAC key.
#[derive(Debug)]
pub struct Signer {
    agent_id: String,
    key: Zeroizing<Vec<u8>>,
}

impl Signer {
    pub fn new(credentials: &Credentials) -> Result<Self, BadSecret> {
        let key = decode_secret(credentials.agent_secret.expose()).ok_or(BadSecret)?;
        Ok(Self {
            agent_id: credentials.agent_id.clone(),
            key,
        })
    }

    pub fn agent_id(&self) -> &str {
        &self.agent_id
    }

    /// Headers for `method path_with_query` with `body` at `timestamp` (unix seconds) with a
    /// given nonce (tests use fixed ones).
    pub fn headers_with(
        &self,
        method: &str,
        path_with_query: &str,
        body: &[u8],
        timestamp: i64,
        nonce: String,
    ) -> SignedHeaders {
        let timestamp = timestamp.to_string();
        let signature = sign(&self.key, method, path_with_query, &timestamp, &nonce, body);
        SignedHeaders {
            agent_id: self.agent_id.clone(),
            timestamp,
            nonce,
            signature,
        }
    }

    /// Headers with a fresh random nonce.
    pub fn headers(
        &self,
        method: &str,
        path_with_query: &str,
        body: &[u8],
        timestamp: i64,
    ) -> SignedHeaders {
        self.headers_with(method, path_with_query, body, timestamp, random_nonce())
    }
}

pub fn random_nonce() -> String {
    let mut bytes = [0u8; NONCE_BYTES];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use xdr_auth::agent_signature::{SignedRequest, verify};

    use super::*;
    use crate::state::Secret;

    const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    fn signer() -> Signer {
        Signer::new(&Credentials {
            server_url: "http://127.0.0.1".into(),
            trust: Default::default(),
            agent_id: "agent-1".into(),
            agent_secret: Secret::new(SECRET.into()),
        })
        .unwrap()
    }

    #[test]
    fn known_vector() {
        let h = signer().headers_with(
            "POST",
            "/api/v1/agents/heartbeat",
            br#"{"status":"ok"}"#,
            1_767_225_600,
            "ab".repeat(16),
        );
        assert!(h.signature.starts_with("cac389e6"), "{}", h.signature);
        assert!(h.signature.ends_with("1a36"), "{}", h.signature);
    }

    #[test]
    fn server_verifies_our_headers() {
        let body = br#"{"events":[]}"#;
        let now = 1_800_000_000;
        let h = signer().headers("POST", "/x/api/v1/agents/events", body, now);
        assert_eq!(h.nonce.len(), 2 * NONCE_BYTES);
        let key = decode_secret(SECRET).unwrap();
        let request = SignedRequest {
            method: "POST",
            path_with_query: "/x/api/v1/agents/events",
            timestamp: Some(&h.timestamp),
            nonce: Some(&h.nonce),
            signature: Some(&h.signature),
            body,
        };
        assert!(verify(&key, &request, now + 10).is_ok());
        let other_body = SignedRequest {
            body: b"{}",
            ..request
        };
        assert!(verify(&key, &other_body, now).is_err());
    }

    #[test]
    fn nonces_are_fresh_lower_hex() {
        let (a, b) = (random_nonce(), random_nonce());
        assert_ne!(a, b);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
    }

    #[test]
    fn offset_learns_only_real_changes() {
        let offset = ClockOffset::default();
        assert!(!offset.observe(1001, 1000));
        assert_eq!(offset.get(), 0);
        assert!(offset.observe(1600, 1000));
        assert_eq!(offset.get(), 600);
        assert!(!offset.observe(1601, 1000));
    }

    #[test]
    fn a_bad_secret_is_refused() {
        let credentials = Credentials {
            server_url: String::new(),
            trust: Default::default(),
            agent_id: "a".into(),
            agent_secret: Secret::new("short".into()),
        };
        assert!(Signer::new(&credentials).is_err());
    }
}
