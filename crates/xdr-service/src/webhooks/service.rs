//! The webhook service: the ports it stands on and what its use cases take and return.

use std::fmt;
use std::sync::Arc;

use xdr_domain::Clock;
use xdr_domain::ports::{Sealer, WebhookRepository};
use xdr_domain::secrets::SecretText;
use xdr_domain::webhooks::{UrlPolicy, WebhookEndpoint};

use super::delivery::WebhookDelivery;
use xdr_auth::InternalError;

/// What an admin sets with `PUT`.
#[derive(Debug, Clone)]
pub struct WebhookInput {
    pub url: String,
    pub enabled: bool,
}

/// An endpoint after a change; `secret` is the new signing secret, present only when one was
/// generated (creation, rotation) and never again afterwards.
#[derive(Debug)]
pub struct ConfiguredWebhook {
    pub endpoint: WebhookEndpoint,
    pub created: bool,
    pub secret: Option<SecretText>,
}

pub struct WebhookService {
    pub(crate) repo: Arc<dyn WebhookRepository>,
    pub(crate) sealer: Arc<dyn Sealer>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) policy: UrlPolicy,
    delivery: Option<Arc<WebhookDelivery>>,
}

impl fmt::Debug for WebhookService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookService")
            .field("policy", &self.policy)
            .field("delivery", &self.delivery.is_some())
            .finish_non_exhaustive()
    }
}

impl WebhookService {
    /// `delivery` is `None` where nothing is delivered (operator commands).
    pub fn new(
        repo: Arc<dyn WebhookRepository>,
        sealer: Arc<dyn Sealer>,
        clock: Arc<dyn Clock>,
        policy: UrlPolicy,
        delivery: Option<Arc<WebhookDelivery>>,
    ) -> Self {
        Self {
            repo,
            sealer,
            clock,
            policy,
            delivery,
        }
    }

    /// Queues again the deliveries a previous run left `pending` (see
    /// [`WebhookDelivery::resume_pending`]); 0 without a delivery worker.
    pub async fn resume_pending(&self) -> Result<u64, InternalError> {
        match &self.delivery {
            Some(delivery) => delivery.resume_pending().await,
            None => Ok(0),
        }
    }
}
