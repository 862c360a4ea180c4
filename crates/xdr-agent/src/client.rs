//! The agent's HTTP calls: one reused `reqwest::Client`, signed requests stamped with the
//! corrected clock, and one immediate retry when a 401's `X-Server-Time` shows our clock
//! (as corrected so far) is off by more than [`SKEW_RETRY_SECONDS`].

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode, Url};
use tracing::warn;

use crate::reply::{ClientError, Reply};
use crate::signing::{ClockOffset, Signer};
use crate::state::{Credentials, Secret};
use crate::trust::{ServerTrust, check_scheme, is_loopback, refused_certificate};
use crate::wire::{
    EnrollRequest, EnrollResponse, EventsResponse, HeartbeatRequest, HeartbeatResponse,
    RotateResponse,
};

pub const ENROLL_PATH: &str = "/api/v1/agents/enroll";
pub const HEARTBEAT_PATH: &str = "/api/v1/agents/heartbeat";
pub const EVENTS_PATH: &str = "/api/v1/agents/events";
pub const ROTATE_PATH: &str = "/api/v1/agents/rotate-secret";
pub const UNENROLL_PATH: &str = "/api/v1/agents/unenroll";
/// A 401 whose server time is further than this from our corrected clock is retried once
/// with the offset it teaches.
pub const SKEW_RETRY_SECONDS: i64 = 30;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of an answer that is read (answers of these routes are tiny).
const MAX_RESPONSE_BYTES: usize = 64 * 1024;
const USER_AGENT: &str = concat!("mini-xdr-agent/", env!("CARGO_PKG_VERSION"));

#[derive(Debug)]
pub struct AgentClient {
    http: reqwest::Client,
    base: Url,
    offset: ClockOffset,
    signer: RwLock<Option<Arc<Signer>>>,
}

impl AgentClient {
    /// A client for `server_url` (e.g. `https://xdr.example.com` or one with a path prefix),
    /// checking its certificate as `trust` says. Plain `http://` is refused unless the server
    /// is on this host.
    pub fn new(server_url: &str, trust: &ServerTrust) -> Result<Self, ClientError> {
        let bad = || ClientError::BadUrl(server_url.to_owned());
        let base = Url::parse(server_url.trim_end_matches('/')).map_err(|_| bad())?;
        if !matches!(base.scheme(), "http" | "https")
            || base.query().is_some()
            || base.fragment().is_some()
            || base.host().is_none()
        {
            return Err(bad());
        }
        check_scheme(&base)?;
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .pool_max_idle_per_host(1);
        // The server is on this host: no proxy from the environment applies.
        if is_loopback(&base) {
            builder = builder.no_proxy();
        }
        let builder = builder.tls_backend_preconfigured(trust.client_config()?);
        Ok(Self {
            http: builder.build().map_err(ClientError::Build)?,
            base,
            offset: ClockOffset::default(),
            signer: RwLock::new(None),
        })
    }

    /// A client that signs as the enrolled agent of `credentials`.
    pub fn signed(credentials: &Credentials) -> Result<Self, ClientError> {
        let client = Self::new(&credentials.server_url, &credentials.trust)?;
        client.set_credentials(credentials)?;
        Ok(client)
    }

    pub fn set_credentials(&self, credentials: &Credentials) -> Result<(), ClientError> {
        let signer = Arc::new(Signer::new(credentials)?);
        if let Ok(mut slot) = self.signer.write() {
            *slot = Some(signer);
        }
        Ok(())
    }

    pub fn offset(&self) -> &ClockOffset {
        &self.offset
    }

    fn url(&self, endpoint: &str) -> Result<Url, ClientError> {
        let text = format!("{}{endpoint}", self.base.as_str().trim_end_matches('/'));
        Url::parse(&text).map_err(|_| ClientError::BadUrl(text))
    }

    fn learn(&self, server_time: Option<i64>) {
        if let Some(server) = server_time
            && self.offset.observe(server, ClockOffset::local_now())
        {
            tracing::info!(offset_seconds = self.offset.get(), "clock offset updated");
        }
    }

    async fn send(
        &self,
        url: &Url,
        body: &[u8],
        signer: Option<&Signer>,
    ) -> Result<Reply, ClientError> {
        let mut request = self
            .http
            .request(Method::POST, url.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if let Some(signer) = signer {
            // Sign exactly the request target that goes on the wire (a prefix included).
            let target = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            let headers = signer.headers("POST", &target, body, self.offset.server_now());
            for (name, value) in headers.pairs() {
                request = request.header(name, value);
            }
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| match refused_certificate(&e) {
                Some(why) => ClientError::UntrustedServer(why),
                None => ClientError::Transport(e),
            })?;
        let (status, headers) = (response.status(), response.headers().clone());
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(ClientError::Transport)? {
            let room = MAX_RESPONSE_BYTES.saturating_sub(bytes.len());
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Ok(Reply {
            status,
            headers,
            body: bytes,
        })
    }

    /// A signed POST, retried once at once if a 401 shows our clock is off.
    async fn post_signed(&self, endpoint: &str, body: &[u8]) -> Result<Reply, ClientError> {
        let signer =
            self.signer
                .read()
                .ok()
                .and_then(|s| s.clone())
                .ok_or(ClientError::Unauthorized {
                    code: "not_enrolled".into(),
                    message: "no agent credentials".into(),
                })?;
        let url = self.url(endpoint)?;
        let reply = self.send(&url, body, Some(&signer)).await?;
        if reply.status != StatusCode::UNAUTHORIZED {
            return Ok(reply);
        }
        let Some(server) = reply.server_time() else {
            return Ok(reply);
        };
        let local = ClockOffset::local_now();
        if (server - (local + self.offset.get())).abs() <= SKEW_RETRY_SECONDS {
            return Ok(reply);
        }
        self.offset.set(server - local);
        warn!(
            offset_seconds = server - local,
            "the server's clock differs from ours; retrying with the corrected time"
        );
        self.send(&url, body, Some(&signer)).await
    }

    pub async fn enroll(&self, request: &EnrollRequest<'_>) -> Result<EnrollResponse, ClientError> {
        let body = serde_json::to_vec(request).map_err(|e| ClientError::Decode {
            status: 0,
            detail: e.to_string(),
        })?;
        let url = self.url(ENROLL_PATH)?;
        let response: EnrollResponse = self.send(&url, &body, None).await?.json()?;
        self.learn(response.server_time);
        Ok(response)
    }

    pub async fn heartbeat(
        &self,
        request: &HeartbeatRequest,
    ) -> Result<HeartbeatResponse, ClientError> {
        let body = serde_json::to_vec(request).map_err(|e| ClientError::Decode {
            status: 0,
            detail: e.to_string(),
        })?;
        let response: HeartbeatResponse = self.post_signed(HEARTBEAT_PATH, &body).await?.json()?;
        self.learn(response.server_time);
        Ok(response)
    }

    /// Ships one batch (the exact bytes of a spool file).
    pub async fn send_events(&self, body: &[u8]) -> Result<EventsResponse, ClientError> {
        let reply = self.post_signed(EVENTS_PATH, body).await?.success()?;
        // 202 means stored (or already stored); an odd body does not undo that.
        Ok(serde_json::from_slice(&reply.body).unwrap_or_default())
    }

    pub async fn rotate_secret(&self) -> Result<Secret, ClientError> {
        let response: RotateResponse = self.post_signed(ROTATE_PATH, b"{}").await?.json()?;
        Ok(response.agent_secret)
    }

    pub async fn unenroll(&self) -> Result<(), ClientError> {
        self.post_signed(UNENROLL_PATH, b"{}").await?.success()?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
