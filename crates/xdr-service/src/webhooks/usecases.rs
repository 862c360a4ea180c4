//! Configuring an organization's webhook: admins write, soc_leads and admins read. The
//! organization comes from the verified principal only.

use std::sync::Arc;

use serde_json::json;
use xdr_crypto::random_token;
use xdr_domain::audit::{AuditAction, NewAuditEntry};
use xdr_domain::identity::Role;
use xdr_domain::secrets::SecretText;
use xdr_domain::webhooks::{
    WebhookEndpoint, WebhookPut, WebhookPutAudit, WebhookUrl, secret_preview,
    webhook_secret_binding,
};
use xdr_domain::{FieldErrors, OrganizationId, WebhookId};

use super::WebhookError;
use super::service::{ConfiguredWebhook, WebhookInput, WebhookService};
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, Principal};

use crate::access::require;

const RESOURCE_WEBHOOK: &str = "webhook";
const READER: Role = Role::SocLead;
const WRITER: Role = Role::Admin;

impl From<crate::access::Forbidden> for WebhookError {
    fn from(_: crate::access::Forbidden) -> Self {
        Self::Forbidden
    }
}

/// An entry by the caller. Host and flags only: never the secret (nor the URL's path, which
/// may carry a receiver's own token).
fn entry(principal: &Principal, action: AuditAction, client: &ClientInfo) -> NewAuditEntry {
    NewAuditEntry::new(principal.organization_id, action, RESOURCE_WEBHOOK)
        .actor(principal.user_id, None)
        .client(client.ip.as_deref(), client.user_agent.as_deref())
}

impl WebhookService {
    /// A fresh 256-bit secret, sealed for endpoint `id` of `org`.
    fn new_secret(
        &self,
        org: OrganizationId,
        id: WebhookId,
    ) -> Result<(SecretText, xdr_domain::secrets::SealedSecret), WebhookError> {
        let token = random_token();
        let secret = SecretText::new(token.expose().to_owned());
        let sealed = self
            .sealer
            .seal(secret.expose().as_bytes(), &webhook_secret_binding(org, id))?;
        Ok((secret, sealed))
    }

    pub async fn get(&self, principal: &Principal) -> Result<WebhookEndpoint, WebhookError> {
        require(principal, READER)?;
        let (repo, org) = (Arc::clone(&self.repo), principal.organization_id);
        blocking::run(move || repo.get(org))
            .await?
            .ok_or(WebhookError::NotFound)
    }

    /// Creates the endpoint (with a new secret, returned once) or replaces its URL and
    /// `enabled` flag (keeping the secret).
    pub async fn put(
        &self,
        principal: &Principal,
        input: WebhookInput,
        client: &ClientInfo,
    ) -> Result<ConfiguredWebhook, WebhookError> {
        require(principal, WRITER)?;
        let mut errors = FieldErrors::new();
        let Some(url) = errors.check("url", WebhookUrl::parse(&input.url, self.policy)) else {
            return Err(WebhookError::Validation(errors));
        };
        let org = principal.organization_id;
        let (repo, now) = (Arc::clone(&self.repo), self.clock.now());
        let existing = blocking::run(move || repo.get(org)).await?.map(|e| e.id);
        let id = WebhookId::generate();
        let (secret, sealed) = self.new_secret(org, id)?;
        let candidate = WebhookEndpoint {
            id,
            organization_id: org,
            url: url.as_str().to_owned(),
            enabled: input.enabled,
            secret: sealed,
            secret_preview: secret_preview(secret.expose()),
            created_at: now,
            updated_at: now,
        };
        let details =
            |created| json!({"host": url.host(), "enabled": input.enabled, "created": created});
        let mut replaced =
            entry(principal, AuditAction::WebhookConfigured, client).details(details(false));
        if let Some(existing) = existing {
            replaced = replaced.resource(existing);
        }
        let audit = WebhookPutAudit {
            created: entry(principal, AuditAction::WebhookConfigured, client)
                .resource(id)
                .details(details(true)),
            replaced,
        };
        let repo = Arc::clone(&self.repo);
        let put = blocking::run(move || repo.put(&candidate, audit)).await?;
        Ok(match put {
            WebhookPut::Created(endpoint) => {
                tracing::info!(organization_id = %org, webhook_id = %endpoint.id, host = url.host(), "webhook configured");
                ConfiguredWebhook {
                    endpoint,
                    created: true,
                    secret: Some(secret),
                }
            }
            WebhookPut::Replaced(endpoint) => ConfiguredWebhook {
                endpoint,
                created: false,
                secret: None,
            },
        })
    }

    /// Replaces the signing secret with a new one, returned once.
    pub async fn rotate_secret(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<ConfiguredWebhook, WebhookError> {
        require(principal, WRITER)?;
        let org = principal.organization_id;
        let repo = Arc::clone(&self.repo);
        let current = blocking::run(move || repo.get(org))
            .await?
            .ok_or(WebhookError::NotFound)?;
        let (secret, sealed) = self.new_secret(org, current.id)?;
        let preview = secret_preview(secret.expose());
        let audit =
            entry(principal, AuditAction::WebhookSecretRotated, client).resource(current.id);
        let (repo, now, id) = (Arc::clone(&self.repo), self.clock.now(), current.id);
        let endpoint =
            blocking::run(move || repo.replace_secret(org, id, &sealed, &preview, now, audit))
                .await?
                .ok_or(WebhookError::NotFound)?;
        tracing::info!(organization_id = %org, webhook_id = %id, "webhook secret rotated");
        Ok(ConfiguredWebhook {
            endpoint,
            created: false,
            secret: Some(secret),
        })
    }

    pub async fn delete(
        &self,
        principal: &Principal,
        client: &ClientInfo,
    ) -> Result<(), WebhookError> {
        require(principal, WRITER)?;
        let org = principal.organization_id;
        let repo = Arc::clone(&self.repo);
        let current = blocking::run(move || repo.get(org))
            .await?
            .ok_or(WebhookError::NotFound)?;
        let audit = entry(principal, AuditAction::WebhookDeleted, client)
            .resource(current.id)
            .details(json!({"host": host_of(&current.url)}));
        let (repo, now) = (Arc::clone(&self.repo), self.clock.now());
        if blocking::run(move || repo.delete(org, now, audit)).await? {
            tracing::info!(organization_id = %org, webhook_id = %current.id, "webhook deleted");
            Ok(())
        } else {
            Err(WebhookError::NotFound)
        }
    }
}

/// The host of a stored URL (stored URLs are normalized; an unparsable one shows as empty).
fn host_of(url: &str) -> String {
    let lenient = xdr_domain::webhooks::UrlPolicy {
        allow_http: true,
        allow_private_networks: true,
    };
    WebhookUrl::parse(url, lenient)
        .map(|u| u.host().to_owned())
        .unwrap_or_default()
}
