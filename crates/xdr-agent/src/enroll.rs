//! `mini-xdr-agent enroll`: redeem an enrollment token for this host's agent identity. The
//! `instance_id` is written to disk before the first attempt and kept by every later
//! enrollment, so a retry (or re-running the command) gets the same agent back, never a twin.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;
use tracing::{info, warn};
use zeroize::Zeroizing;

use crate::backoff::Backoff;
use crate::client::AgentClient;
use crate::host;
use crate::reply::ClientError;
use crate::state::{AgentState, StateError};
use crate::trust::ServerTrust;
use crate::wire::EnrollRequest;

/// Attempts before giving up on a server that cannot be reached.
pub const ENROLL_ATTEMPTS: u32 = 6;

#[derive(Debug)]
pub struct EnrollOptions {
    pub server_url: String,
    pub token: Zeroizing<String>,
    pub state_dir: PathBuf,
    pub hostname: Option<String>,
    pub replaces: Option<String>,
    /// Trust only these CAs for the server (kept in the state file for `run`).
    pub ca_file: Option<PathBuf>,
    /// Accept only the server certificate of this SHA-256 (kept like `ca_file`).
    pub pin: Option<xdr_crypto::tls::CertPin>,
    /// The first wait between attempts (tests make it short).
    pub retry_base: Duration,
}

#[derive(Debug, Error)]
pub enum EnrollError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error("the enrollment token was refused (unknown, expired, used up or revoked)")]
    InvalidToken,
    #[error("enrollment failed: {0}")]
    Client(#[from] ClientError),
}

pub async fn enroll(options: &EnrollOptions) -> Result<AgentState, EnrollError> {
    let server_url = options.server_url.trim_end_matches('/').to_owned();
    // Absolute, so that `run` (a service, another working directory) finds it.
    let ca_file = match &options.ca_file {
        Some(path) => Some(
            std::fs::canonicalize(path)
                .map_err(|e| ClientError::CaFile(format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    let trust = ServerTrust {
        ca_file,
        pin: options.pin,
    };
    let client = AgentClient::new(&server_url, &trust)?;
    let mut state = match AgentState::load(&options.state_dir)? {
        Some(mut existing) => {
            if existing.agent_id.is_some() {
                info!(instance_id = %existing.instance_id, "already enrolled: enrolling again with the same instance id");
            }
            existing.server_url = server_url;
            existing
        }
        None => AgentState::new(&server_url),
    };
    if state.adopt_machine(&host::machine_fingerprint()) {
        warn!(instance_id = %state.instance_id,
            "the state directory was made on another machine: enrolling as a new instance");
    }
    state.ca_file = trust.ca_file;
    state.pin = trust.pin;
    state.save(&options.state_dir)?;

    let hostname = options.hostname.clone().unwrap_or_else(host::hostname);
    let os_version = host::os_version();
    let request = EnrollRequest {
        enrollment_token: &options.token,
        instance_id: state.instance_id,
        hostname: &hostname,
        platform: host::platform(),
        os_version: os_version.as_deref(),
        ip_address: None,
        agent_version: host::AGENT_VERSION,
        replaces: options.replaces.as_deref(),
    };
    let mut backoff = Backoff::new(options.retry_base, crate::backoff::MAX_DELAY);
    let response = loop {
        match client.enroll(&request).await {
            Ok(response) => break response,
            Err(ClientError::Unauthorized { .. }) => return Err(EnrollError::InvalidToken),
            // Another attempt meets the same certificate: say so now.
            Err(e @ ClientError::UntrustedServer(_)) => return Err(e.into()),
            Err(e) if e.is_retryable() && backoff.failures() + 1 < ENROLL_ATTEMPTS => {
                let wait = backoff.next_delay(e.retry_after());
                warn!(error = %e, wait_ms = wait.as_millis() as u64, "enrollment attempt failed; retrying");
                tokio::time::sleep(wait).await;
            }
            Err(e) => return Err(e.into()),
        }
    };
    state.agent_id = Some(response.agent_id.clone());
    state.agent_secret = Some(response.agent_secret.clone());
    state.heartbeat_interval_seconds = response.heartbeat_interval_seconds;
    state.save(&options.state_dir)?;
    info!(agent_id = %response.agent_id, instance_id = %state.instance_id, "enrolled");
    Ok(state)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::testdir::TestDir;
    use crate::testserver::{Scripted, TestServer};

    const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    fn options(url: &str, dir: &TestDir) -> EnrollOptions {
        EnrollOptions {
            server_url: url.to_owned(),
            token: Zeroizing::new("tok".into()),
            state_dir: dir.path().join("state"),
            hostname: Some("web1".into()),
            replaces: None,
            ca_file: None,
            pin: None,
            retry_base: Duration::from_millis(1),
        }
    }

    fn enrolled(id: &str) -> Scripted {
        Scripted::new(
            201,
            &format!(
                r#"{{"agent_id":"{id}","agent_secret":"{SECRET}","heartbeat_interval_seconds":20,"server_time":"2026-01-01T00:00:00Z"}}"#
            ),
        )
    }

    fn sent_instance(r: &crate::testserver::Recorded) -> String {
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v["instance_id"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn retries_and_re_runs_keep_the_instance_id() {
        let dir = TestDir::new("enroll");
        let server = TestServer::start(vec![
            Scripted::new(503, "{}"),
            enrolled("a1"),
            enrolled("a1"),
        ])
        .await;
        let first = enroll(&options(&server.url, &dir)).await.unwrap();
        assert_eq!(first.agent_id.as_deref(), Some("a1"));
        assert_eq!(first.heartbeat_interval_seconds, 20);
        let again = enroll(&options(&server.url, &dir)).await.unwrap();
        assert_eq!(again.instance_id, first.instance_id);
        let requests = server.recorded();
        assert_eq!(requests.len(), 3);
        assert!(
            requests
                .iter()
                .all(|r| sent_instance(r) == first.instance_id.to_string())
        );
        let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(body["hostname"], "web1");
        assert_eq!(body["enrollment_token"], "tok");
        assert_eq!(
            AgentState::load(&dir.path().join("state"))
                .unwrap()
                .unwrap()
                .agent_id
                .as_deref(),
            Some("a1")
        );
    }

    #[tokio::test]
    async fn a_refused_token_fails_at_once_but_the_instance_id_is_kept() {
        let dir = TestDir::new("enroll-bad");
        let server = TestServer::start(vec![Scripted::new(
            401,
            r#"{"error":{"code":"invalid_enrollment_token","message":"no"}}"#,
        )])
        .await;
        let e = enroll(&options(&server.url, &dir)).await.unwrap_err();
        assert!(matches!(e, EnrollError::InvalidToken));
        assert_eq!(server.recorded().len(), 1);
        let state = AgentState::load(&dir.path().join("state"))
            .unwrap()
            .unwrap();
        assert!(state.agent_id.is_none());
        assert_eq!(
            sent_instance(&server.recorded()[0]),
            state.instance_id.to_string()
        );
    }
}
