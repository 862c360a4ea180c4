//! Bodies of `/integrations/webhook`. The signing secret goes out exactly once (creation and
//! rotation); afterwards only its first four characters are shown.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xdr_domain::webhooks::WebhookEndpoint;
use xdr_service::webhooks::{ConfiguredWebhook, WebhookInput};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutWebhookRequest {
    /// `https://` URL of a public host (no user name, password or fragment; at most 2048
    /// characters). Internal addresses are refused.
    #[schema(example = "https://hooks.example.com/mini-xdr")]
    pub url: String,
    /// Whether containment actions are sent to it (default `true`).
    #[serde(default = "enabled_default")]
    pub enabled: bool,
}

fn enabled_default() -> bool {
    true
}

impl From<PutWebhookRequest> for WebhookInput {
    fn from(r: PutWebhookRequest) -> Self {
        Self {
            url: r.url,
            enabled: r.enabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    #[schema(example = "https://hooks.example.com/mini-xdr")]
    pub url: String,
    pub enabled: bool,
    /// First four characters of the signing secret and `…`.
    #[schema(example = "q3Zt…")]
    pub secret_preview: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&WebhookEndpoint> for WebhookView {
    fn from(w: &WebhookEndpoint) -> Self {
        Self {
            url: w.url.clone(),
            enabled: w.enabled,
            secret_preview: w.secret_preview.clone(),
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// An endpoint with its new signing secret: returned once, on creation and on rotation.
/// `Debug` leaves the secret out.
#[derive(Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[schema(example = "https://hooks.example.com/mini-xdr")]
    pub url: String,
    pub enabled: bool,
    /// The HMAC-SHA256 signing key (its ASCII bytes as written), 256 bits of randomness.
    /// Shown only in this response: store it in the receiver now.
    #[schema(format = Password)]
    pub secret: String,
    #[schema(example = "q3Zt…")]
    pub secret_preview: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl fmt::Debug for WebhookWithSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookWithSecret")
            .field("url", &self.url)
            .field("enabled", &self.enabled)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl WebhookWithSecret {
    /// `None` when no secret was generated (a `PUT` that replaced an endpoint).
    pub fn from_configured(c: &ConfiguredWebhook) -> Option<Self> {
        let w = &c.endpoint;
        c.secret.as_ref().map(|secret| Self {
            url: w.url.clone(),
            enabled: w.enabled,
            secret: secret.expose().to_owned(),
            secret_preview: w.secret_preview.clone(),
            created_at: w.created_at,
            updated_at: w.updated_at,
        })
    }
}
