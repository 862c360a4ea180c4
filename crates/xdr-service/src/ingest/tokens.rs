//! Ingest tokens: issued by a SOC lead for one log source (the secret shown once), listed
//! without the secret, revoked (refused from the next request on). A presented token is
//! checked on every request: no cache stands between a revocation and its effect.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;
use xdr_auth::audit_trail::by_principal;
use xdr_auth::{ClientInfo, Principal, blocking};
use xdr_crypto::{SecretToken, TOKEN_LEN, hash_token, random_token};
use xdr_domain::audit::AuditAction;
use xdr_domain::identity::Role;
use xdr_domain::inventory::{IngestSource, IngestStatus, IngestToken, IngestTokenInput};
use xdr_domain::{IngestTokenId, LogSourceId};

use super::{IngestError, IngestService};
use crate::access::require;

const RESOURCE_TOKEN: &str = "ingest_token";
const TOKEN_WRITER: Role = Role::SocLead;

/// A new token; `token` is shown only here.
#[derive(Debug)]
pub struct IssuedIngestToken {
    pub stored: IngestToken,
    pub token: SecretToken,
}

impl IngestService {
    pub async fn issue_token(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        source: LogSourceId,
        input: &IngestTokenInput,
    ) -> Result<IssuedIngestToken, IngestError> {
        require(principal, TOKEN_WRITER)?;
        let now = self.clock.now();
        let stored = input
            .validate(source, Some(principal.user_id), now)
            .map_err(IngestError::Validation)?;
        let secret = random_token();
        let audit = by_principal(
            principal,
            AuditAction::IngestTokenCreated,
            RESOURCE_TOKEN,
            client,
        )
        .resource(stored.id)
        .details(json!({
            "log_source_id": source,
            "label": stored.label,
            "expires_at": stored.expires_at,
        }));
        let (org, hash, ports, token) = (
            principal.organization_id,
            secret.hash(),
            Arc::clone(&self.ports),
            stored.clone(),
        );
        let created =
            blocking::run(move || ports.ingest.create_ingest_token(org, &token, &hash, audit))
                .await?;
        if !created {
            return Err(IngestError::NotFound);
        }
        tracing::info!(organization_id = %org, log_source_id = %source,
            token_id = %stored.id, "ingest token issued");
        Ok(IssuedIngestToken {
            stored,
            token: secret,
        })
    }

    pub async fn list_tokens(
        &self,
        principal: &Principal,
        source: LogSourceId,
    ) -> Result<Vec<IngestToken>, IngestError> {
        require(principal, TOKEN_WRITER)?;
        let (org, ports) = (principal.organization_id, Arc::clone(&self.ports));
        blocking::run(move || ports.ingest.list_ingest_tokens(org, source))
            .await?
            .ok_or(IngestError::NotFound)
    }

    pub async fn revoke_token(
        &self,
        principal: &Principal,
        client: &ClientInfo,
        source: LogSourceId,
        id: IngestTokenId,
    ) -> Result<(), IngestError> {
        require(principal, TOKEN_WRITER)?;
        let audit = by_principal(
            principal,
            AuditAction::IngestTokenRevoked,
            RESOURCE_TOKEN,
            client,
        )
        .resource(id)
        .details(json!({ "log_source_id": source }));
        let (org, now, ports) = (
            principal.organization_id,
            self.clock.now(),
            Arc::clone(&self.ports),
        );
        let revoked = blocking::run(move || {
            ports
                .ingest
                .revoke_ingest_token(org, source, id, now, audit)
        })
        .await?;
        if revoked {
            tracing::info!(organization_id = %org, token_id = %id, "ingest token revoked");
            Ok(())
        } else {
            Err(IngestError::NotFound)
        }
    }

    /// The log source a presented token feeds; `InvalidToken` for anything else.
    pub async fn authenticate(&self, token: &str) -> Result<IngestSource, IngestError> {
        // Not the shape of a token we issue: no lookup at all.
        if token.len() != TOKEN_LEN {
            return Err(IngestError::InvalidToken);
        }
        let (hash, ports) = (hash_token(token), Arc::clone(&self.ports));
        let source = blocking::run(move || ports.ingest.find_ingest_token(&hash))
            .await?
            .ok_or(IngestError::InvalidToken)?;
        if source.accepts_at(self.clock.now()) {
            Ok(source)
        } else {
            Err(IngestError::InvalidToken)
        }
    }

    /// The ingest status of each of `sources` that has received anything (the others: zero).
    pub async fn statuses(
        &self,
        principal: &Principal,
        sources: Vec<LogSourceId>,
    ) -> Result<BTreeMap<LogSourceId, IngestStatus>, IngestError> {
        require(principal, Role::Viewer)?;
        let (org, ports) = (principal.organization_id, Arc::clone(&self.ports));
        Ok(blocking::run(move || ports.ingest.ingest_statuses(org, &sources)).await?)
    }
}
