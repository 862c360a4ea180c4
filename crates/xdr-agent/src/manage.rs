//! `mini-xdr-agent rotate-secret` and `unenroll`: signed calls that change the state file.

use std::path::Path;

use thiserror::Error;
use tracing::{error, info};

use crate::client::AgentClient;
use crate::reply::ClientError;
use crate::state::{AgentState, StateError};

#[derive(Debug, Error)]
pub enum ManageError {
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

fn load_enrolled(state_dir: &Path) -> Result<(AgentState, AgentClient), ManageError> {
    let state = AgentState::load(state_dir)?.ok_or(StateError::NotEnrolled)?;
    let client = AgentClient::signed(&state.credentials()?)?;
    Ok((state, client))
}

/// Asks for a new secret and stores it. The old secret keeps working for 5 minutes on the
/// server, which is also how long a running agent has to pick the new one up (it re-reads
/// the state file when its requests are refused).
pub async fn rotate_secret(state_dir: &Path) -> Result<(), ManageError> {
    let (mut state, client) = load_enrolled(state_dir)?;
    let secret = client.rotate_secret().await?;
    state.agent_secret = Some(secret);
    if let Err(e) = state.save(state_dir) {
        error!(error = %e, "the server issued a new secret that could not be saved; \
            the old one works for 5 more minutes: fix the state dir and rotate again");
        return Err(e.into());
    }
    info!("agent secret rotated");
    Ok(())
}

/// Tells the server this agent is gone, then forgets its id and secret (the instance id is
/// kept, so enrolling this host again is still recognised).
pub async fn unenroll(state_dir: &Path) -> Result<(), ManageError> {
    let (mut state, client) = load_enrolled(state_dir)?;
    client.unenroll().await?;
    state.agent_id = None;
    state.agent_secret = None;
    state.save(state_dir)?;
    info!("agent unenrolled");
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::state::Secret;
    use crate::testdir::TestDir;
    use crate::testserver::{Scripted, TestServer};

    const OLD: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    const NEW: &str = "HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA";

    fn enrolled(dir: &TestDir, url: &str) -> AgentState {
        let mut state = AgentState::new(url);
        state.agent_id = Some("a1".into());
        state.agent_secret = Some(Secret::new(OLD.into()));
        state.save(dir.path()).unwrap();
        state
    }

    #[tokio::test]
    async fn rotation_stores_the_new_secret_and_unenroll_forgets_it() {
        let dir = TestDir::new("manage");
        let server = TestServer::start(vec![
            Scripted::new(200, &format!(r#"{{"agent_secret":"{NEW}"}}"#)),
            Scripted::new(204, ""),
        ])
        .await;
        let before = enrolled(&dir, &server.url);
        rotate_secret(dir.path()).await.unwrap();
        let rotated = AgentState::load(dir.path()).unwrap().unwrap();
        assert_eq!(rotated.agent_secret.as_ref().map(Secret::expose), Some(NEW));
        unenroll(dir.path()).await.unwrap();
        let after = AgentState::load(dir.path()).unwrap().unwrap();
        assert!(after.agent_id.is_none() && after.agent_secret.is_none());
        assert_eq!(after.instance_id, before.instance_id);
        let targets: Vec<_> = server
            .recorded()
            .into_iter()
            .map(|r| (r.target, r.body))
            .collect();
        assert_eq!(
            targets[0],
            ("/api/v1/agents/rotate-secret".to_owned(), b"{}".to_vec())
        );
        assert_eq!(targets[1].0, "/api/v1/agents/unenroll");
        assert!(matches!(
            unenroll(dir.path()).await,
            Err(ManageError::State(StateError::NotEnrolled))
        ));
    }
}
