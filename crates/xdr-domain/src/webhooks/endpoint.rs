//! An organization's webhook endpoint (at most one): where containment actions are sent, and
//! the signing secret, sealed and bound to the organization and this record.

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::ids::{OrganizationId, WebhookId};
use crate::secrets::{Binding, SealedSecret};

/// The `kind` part of every webhook secret's binding.
pub const WEBHOOK_BINDING_KIND: &str = "webhook_secret";
/// Characters of the secret shown after creation (then `…`).
pub const SECRET_PREVIEW_CHARS: usize = 4;

/// What a webhook secret is bound to: its organization and its endpoint record. A sealed value
/// copied to another organization's row, or kept across a delete and re-create, does not open.
pub fn webhook_secret_binding(organization_id: OrganizationId, id: WebhookId) -> Binding {
    Binding::new(WEBHOOK_BINDING_KIND)
        .with("org", organization_id)
        .with("webhook", id)
}

/// The first [`SECRET_PREVIEW_CHARS`] characters and `…` (U+2026).
pub fn secret_preview(secret: &str) -> String {
    let head: String = secret.chars().take(SECRET_PREVIEW_CHARS).collect();
    format!("{head}\u{2026}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    /// Changes when the endpoint is deleted and configured again.
    pub id: WebhookId,
    pub organization_id: OrganizationId,
    /// Normalized URL, valid under the policy in force when it was set (checked again before
    /// each delivery).
    pub url: String,
    pub enabled: bool,
    pub secret: SealedSecret,
    pub secret_preview: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WebhookEndpoint {
    pub fn binding(&self) -> Binding {
        webhook_secret_binding(self.organization_id, self.id)
    }
}

/// What `PUT` did: created the endpoint (a new secret was generated) or replaced its URL and
/// `enabled` flag (the secret is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookPut {
    Created(WebhookEndpoint),
    Replaced(WebhookEndpoint),
}

/// The audit entry to write with a `PUT`, whichever way it goes.
#[derive(Debug, Clone)]
pub struct WebhookPutAudit {
    pub created: NewAuditEntry,
    pub replaced: NewAuditEntry,
}

/// One stored webhook secret with what it is bound to (for re-sealing after a key rotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSealedRecord {
    pub id: WebhookId,
    pub organization_id: OrganizationId,
    pub sealed: SealedSecret,
}

impl WebhookSealedRecord {
    pub fn binding(&self) -> Binding {
        webhook_secret_binding(self.organization_id, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_four_characters() {
        assert_eq!(secret_preview("abcdefgh"), "abcd\u{2026}");
        assert_eq!(secret_preview("ab"), "ab\u{2026}");
    }

    #[test]
    fn binding_names_kind_organization_and_record() {
        let (org, id) = (OrganizationId::generate(), WebhookId::generate());
        let parts: Vec<(&str, String)> = webhook_secret_binding(org, id)
            .parts()
            .map(|(n, v)| (n, v.to_owned()))
            .collect();
        assert_eq!(
            parts,
            [
                ("kind", WEBHOOK_BINDING_KIND.to_owned()),
                ("org", org.to_string()),
                ("webhook", id.to_string())
            ]
        );
        assert_ne!(
            webhook_secret_binding(org, id),
            webhook_secret_binding(org, WebhookId::generate())
        );
    }
}
