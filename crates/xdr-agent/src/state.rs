//! The agent's identity on disk (`agent.json` in the state dir, mode 0600): the server it
//! talks to, its `instance_id` (made once, before the first enrollment attempt, and kept by
//! every later enrollment so that retries and re-enrollments never make a second agent), and
//! once enrolled its `agent_id`, secret and heartbeat interval.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use zeroize::{Zeroize, ZeroizeOnDrop};

use xdr_crypto::tls::CertPin;

use crate::fsutil::{atomic_write, create_private_dir};
use crate::trust::{ServerTrust, pin_text};

pub const STATE_FILE: &str = "agent.json";
/// Used until the server names one.
pub const DEFAULT_HEARTBEAT_SECONDS: u64 = 30;

/// An agent secret as issued (base64url); wiped from memory when dropped, never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentState {
    pub server_url: String,
    pub instance_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_secret: Option<Secret>,
    pub heartbeat_interval_seconds: u64,
    /// `host::machine_fingerprint` of the machine the instance id was made on. A state
    /// directory found on another machine (a cloned disk image) gets a new instance id, so
    /// that the server sees the clone instead of two machines sharing one identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// PEM bundle of the only CAs trusted for the server (none: the system's roots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// SHA-256 of the only server certificate accepted, `sha256:HEX` (instead of a CA).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "pin_text")]
    pub pin: Option<CertPin>,
}

/// What an enrolled agent needs to sign requests.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub server_url: String,
    pub trust: ServerTrust,
    pub agent_id: String,
    pub agent_secret: Secret,
}

#[derive(Debug, Error)]
pub enum StateError {
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a valid agent state file: {source}")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("this agent is not enrolled (run `mini-xdr-agent enroll` first)")]
    NotEnrolled,
}

impl AgentState {
    /// A fresh identity for `server_url`, not yet enrolled.
    pub fn new(server_url: &str) -> Self {
        Self {
            server_url: server_url.to_owned(),
            instance_id: Uuid::new_v4(),
            agent_id: None,
            agent_secret: None,
            heartbeat_interval_seconds: DEFAULT_HEARTBEAT_SECONDS,
            machine: None,
            ca_file: None,
            pin: None,
        }
    }

    /// Makes a new instance id when the state was made on another machine than
    /// `fingerprint` (and records the fingerprint). Returns whether the id changed.
    pub fn adopt_machine(&mut self, fingerprint: &str) -> bool {
        let copied = self.machine.as_deref().is_some_and(|m| m != fingerprint);
        if copied {
            self.instance_id = Uuid::new_v4();
        }
        self.machine = Some(fingerprint.to_owned());
        copied
    }

    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join(STATE_FILE)
    }

    /// The state in `state_dir`, or `None` when there is none yet.
    pub fn load(state_dir: &Path) -> Result<Option<Self>, StateError> {
        let path = Self::path(state_dir);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StateError::Io { path, source }),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| StateError::Corrupt { path, source })
    }

    /// Writes the state atomically with mode 0600 (the directory is created 0700 if needed).
    pub fn save(&self, state_dir: &Path) -> Result<(), StateError> {
        let path = Self::path(state_dir);
        let io_error = |source| StateError::Io {
            path: path.clone(),
            source,
        };
        create_private_dir(state_dir).map_err(io_error)?;
        let bytes = zeroize::Zeroizing::new(serde_json::to_vec_pretty(self).map_err(|source| {
            StateError::Corrupt {
                path: path.clone(),
                source,
            }
        })?);
        atomic_write(&path, &bytes).map_err(io_error)
    }

    /// How the server's certificate is checked.
    pub fn trust(&self) -> ServerTrust {
        ServerTrust {
            ca_file: self.ca_file.clone(),
            pin: self.pin,
        }
    }

    pub fn credentials(&self) -> Result<Credentials, StateError> {
        match (&self.agent_id, &self.agent_secret) {
            (Some(agent_id), Some(agent_secret)) => Ok(Credentials {
                server_url: self.server_url.clone(),
                trust: self.trust(),
                agent_id: agent_id.clone(),
                agent_secret: agent_secret.clone(),
            }),
            _ => Err(StateError::NotEnrolled),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::testdir::TestDir;

    #[test]
    fn saved_state_is_private_and_reloads() {
        let dir = TestDir::new("state");
        let state_dir = dir.path().join("nested");
        let mut state = AgentState::new("http://127.0.0.1:8080");
        state.agent_id = Some("a1".into());
        state.agent_secret = Some(Secret::new("s3cret".into()));
        state.pin = Some(CertPin([7; 32]));
        state.save(&state_dir).unwrap();
        let text = std::fs::read_to_string(AgentState::path(&state_dir)).unwrap();
        assert!(
            text.contains(&format!("\"sha256:{}\"", "07".repeat(32))),
            "{text}"
        );
        assert_eq!(AgentState::load(&state_dir).unwrap(), Some(state.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&AgentState::path(&state_dir)), 0o600);
            assert_eq!(mode(&state_dir), 0o700);
        }
        assert!(!format!("{state:?}").contains("s3cret"));
    }

    #[test]
    fn a_copied_state_gets_a_new_instance_id() {
        let mut state = AgentState::new("http://127.0.0.1:1");
        let original = state.instance_id;
        assert!(!state.adopt_machine("machine-id:a"));
        assert!(!state.adopt_machine("machine-id:a"));
        assert_eq!(state.instance_id, original);
        assert!(state.adopt_machine("machine-id:b"));
        assert_ne!(state.instance_id, original);
        assert_eq!(state.machine.as_deref(), Some("machine-id:b"));
    }

    #[test]
    fn missing_state_is_none_and_unenrolled_has_no_credentials() {
        let dir = TestDir::new("state-missing");
        assert_eq!(AgentState::load(dir.path()).unwrap(), None);
        let state = AgentState::new("http://127.0.0.1:1");
        assert!(matches!(state.credentials(), Err(StateError::NotEnrolled)));
    }
}
