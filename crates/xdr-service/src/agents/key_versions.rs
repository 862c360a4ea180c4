//! Agent secrets are sealed with the vault's key ring like credentials and webhook secrets, so
//! the vault's start-up check and `vault rewrap`'s report must count them: a key version an
//! agent secret (current, or previous during a rotation's overlap) still uses cannot be retired,
//! and a server missing it would refuse every request of those agents. They are re-sealed with
//! the active key when the agent rotates its secret (`mini-xdr-agent rotate-secret`), not by
//! `vault rewrap`.

use std::collections::BTreeMap;
use std::sync::Arc;

use xdr_auth::{InternalError, blocking};

use super::AgentService;
use crate::credentials::KeyVersionsError;
use crate::credentials::rewrap::check_key_versions;

impl AgentService {
    /// How many agent secrets each key version sealed.
    pub async fn key_versions_in_use(&self) -> Result<BTreeMap<u32, u64>, InternalError> {
        let ports = Arc::clone(&self.ports);
        Ok(blocking::run(move || ports.agents.key_versions_in_use()).await?)
    }

    /// Refuses (with the versions and counts) when agent secrets name key versions the sealer
    /// does not hold.
    pub async fn ensure_key_versions_configured(&self) -> Result<(), KeyVersionsError> {
        let in_use = self.key_versions_in_use().await?;
        check_key_versions(&self.ports.sealer.versions(), in_use)
    }
}
