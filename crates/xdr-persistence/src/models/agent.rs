//! Rows of `agents`, `agent_secrets`, `agent_batches`, and of `enrollment_tokens` as a
//! redemption reads them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use xdr_domain::agents::{Agent, NewAgentFacts};
use xdr_domain::secrets::SealedSecret;
use xdr_domain::{AgentId, EnrollmentTokenId, OrganizationId, RepoError};

use super::parse_stored;
use crate::error::corrupt;
use crate::schema::{agent_secrets, agents};
use crate::time::{from_db, to_db};

/// Every column of `agents`, in [`AgentRow`]'s field order.
pub(crate) type AgentColumns = (
    agents::id,
    agents::organization_id,
    agents::instance_id,
    agents::hostname,
    agents::platform,
    agents::os_version,
    agents::ip_address,
    agents::agent_version,
    agents::state,
    agents::enrollment_token_id,
    agents::enrolled_at,
    agents::last_seen_at,
    agents::buffered_events,
    agents::dropped_events,
    agents::clone_instance_id,
    agents::superseded_by,
);
pub(crate) const AGENT_COLUMNS: AgentColumns = (
    agents::id,
    agents::organization_id,
    agents::instance_id,
    agents::hostname,
    agents::platform,
    agents::os_version,
    agents::ip_address,
    agents::agent_version,
    agents::state,
    agents::enrollment_token_id,
    agents::enrolled_at,
    agents::last_seen_at,
    agents::buffered_events,
    agents::dropped_events,
    agents::clone_instance_id,
    agents::superseded_by,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = agents, treat_none_as_default_value = false)]
pub(crate) struct AgentRow {
    pub id: String,
    pub organization_id: String,
    pub instance_id: String,
    pub hostname: String,
    pub platform: String,
    pub os_version: Option<String>,
    pub ip_address: Option<String>,
    pub agent_version: Option<String>,
    pub state: String,
    pub enrollment_token_id: Option<String>,
    pub enrolled_at: NaiveDateTime,
    pub last_seen_at: Option<NaiveDateTime>,
    pub buffered_events: i64,
    pub dropped_events: i64,
    pub clone_instance_id: Option<String>,
    pub superseded_by: Option<String>,
}

impl AgentRow {
    /// A new, active agent with no heartbeat yet.
    pub(crate) fn enrolled(
        org: OrganizationId,
        id: AgentId,
        facts: &NewAgentFacts,
        token: EnrollmentTokenId,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.to_string(),
            organization_id: org.to_string(),
            instance_id: facts.instance_id.to_string(),
            hostname: facts.hostname.clone(),
            platform: facts.platform.as_str().to_owned(),
            os_version: facts.os_version.clone(),
            ip_address: facts.ip_address.map(|ip| ip.to_string()),
            agent_version: facts.agent_version.clone(),
            state: xdr_domain::agents::AgentState::Active.as_str().to_owned(),
            enrollment_token_id: Some(token.to_string()),
            enrolled_at: to_db(now),
            last_seen_at: None,
            buffered_events: 0,
            dropped_events: 0,
            clone_instance_id: None,
            superseded_by: None,
        }
    }
}

fn stored_count(raw: i64, column: &str) -> Result<u64, RepoError> {
    u64::try_from(raw).map_err(|e| corrupt(column, e))
}

/// A count as stored (counts never exceed `i64::MAX` in practice; larger ones saturate).
pub(crate) fn count_to_db(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl TryFrom<AgentRow> for Agent {
    type Error = RepoError;

    fn try_from(r: AgentRow) -> Result<Self, RepoError> {
        Ok(Agent {
            id: parse_stored(&r.id, "agents.id")?,
            instance_id: parse_stored(&r.instance_id, "agents.instance_id")?,
            hostname: r.hostname,
            platform: parse_stored(&r.platform, "agents.platform")?,
            os_version: r.os_version,
            ip_address: r.ip_address,
            agent_version: r.agent_version,
            state: parse_stored(&r.state, "agents.state")?,
            enrolled_at: from_db(r.enrolled_at),
            last_seen_at: r.last_seen_at.map(from_db),
            enrollment_token_id: r
                .enrollment_token_id
                .as_deref()
                .map(|id| parse_stored(id, "agents.enrollment_token_id"))
                .transpose()?,
            buffered_events: stored_count(r.buffered_events, "agents.buffered_events")?,
            dropped_events: stored_count(r.dropped_events, "agents.dropped_events")?,
        })
    }
}

/// Every column of `agent_secrets`, in [`AgentSecretRow`]'s field order.
pub(crate) type AgentSecretColumns = (
    agent_secrets::agent_id,
    agent_secrets::organization_id,
    agent_secrets::sealed,
    agent_secrets::key_version,
    agent_secrets::previous_sealed,
    agent_secrets::previous_until,
);
pub(crate) const AGENT_SECRET_COLUMNS: AgentSecretColumns = (
    agent_secrets::agent_id,
    agent_secrets::organization_id,
    agent_secrets::sealed,
    agent_secrets::key_version,
    agent_secrets::previous_sealed,
    agent_secrets::previous_until,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = agent_secrets, treat_none_as_default_value = false)]
pub(crate) struct AgentSecretRow {
    pub agent_id: String,
    pub organization_id: String,
    pub sealed: String,
    pub key_version: i64,
    pub previous_sealed: Option<String>,
    pub previous_until: Option<NaiveDateTime>,
}

impl AgentSecretRow {
    /// A fresh secret: nothing previous.
    pub(crate) fn new(org: OrganizationId, agent: AgentId, secret: &SealedSecret) -> Self {
        Self {
            agent_id: agent.to_string(),
            organization_id: org.to_string(),
            sealed: secret.as_str().to_owned(),
            key_version: i64::from(secret.key_version()),
            previous_sealed: None,
            previous_until: None,
        }
    }

    pub(crate) fn current(&self) -> Result<SealedSecret, RepoError> {
        let version =
            u32::try_from(self.key_version).map_err(|e| corrupt("agent_secrets.key_version", e))?;
        Ok(SealedSecret::new(version, self.sealed.clone()))
    }

    /// The rotated-out secret and until when it is accepted, when there is one.
    pub(crate) fn previous(&self) -> Result<Option<(SealedSecret, DateTime<Utc>)>, RepoError> {
        match (&self.previous_sealed, self.previous_until) {
            (Some(sealed), Some(until)) => {
                let version = sealed_key_version(sealed, "agent_secrets.previous_sealed")?;
                Ok(Some((
                    SealedSecret::new(version, sealed.clone()),
                    from_db(until),
                )))
            }
            _ => Ok(None),
        }
    }
}

/// The key version written in a sealed value's text, `v1:<key_version>:<body>` (the vault's
/// encoding): `previous_sealed` has no key-version column of its own.
pub(crate) fn sealed_key_version(sealed: &str, column: &str) -> Result<u32, RepoError> {
    let mut fields = sealed.split(':');
    let (Some("v1"), Some(version), Some(_), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(corrupt(column, "not a v1 sealed value"));
    };
    let canonical = !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
        && (version == "0" || !version.starts_with('0'));
    if !canonical {
        return Err(corrupt(column, "key version is not a canonical number"));
    }
    version.parse().map_err(|e| corrupt(column, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_version_is_read_from_the_sealed_text() {
        assert_eq!(sealed_key_version("v1:7:abc", "c").unwrap(), 7);
        assert_eq!(sealed_key_version("v1:0:abc", "c").unwrap(), 0);
        for bad in [
            "v2:1:x",
            "v1:01:x",
            "v1::x",
            "v1:-1:x",
            "v1:1",
            "v1:1:x:y",
            "v1:4294967296:x",
        ] {
            assert!(matches!(
                sealed_key_version(bad, "c"),
                Err(RepoError::Corrupt(_))
            ));
        }
    }
}
