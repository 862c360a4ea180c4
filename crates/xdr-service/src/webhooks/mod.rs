//! Webhooks: an organization's endpoint (configured by its admins, its signing secret sealed in
//! the vault) and the delivery of containment actions to it.
//!
//! - `WebhookService`: configure, read, rotate the secret, delete; re-seal after key rotation.
//! - `WebhookDelivery`: the bounded queue, the background worker and the `webhook` executor.
//! - `WebhookTransport`: the port the worker sends through (the binary provides the HTTP client).

mod config;
mod delivery;
mod executor;
mod queue;
mod rewrap;
mod service;
mod transport;
mod usecases;
mod worker;

#[cfg(test)]
mod tests;

use thiserror::Error;
use xdr_domain::secrets::SealError;
use xdr_domain::{FieldErrors, RepoError};

use xdr_auth::InternalError;

pub use config::{
    DEFAULT_CLAIM_MARGIN, DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_QUEUE_CAPACITY,
    DEFAULT_RETRY_BACKOFF, DEFAULT_SWEEP_INTERVAL, DEFAULT_TIMEOUT, DeliveryConfig,
    MAX_RETRY_BACKOFF,
};
pub use delivery::{DeliveryStartError, WebhookDelivery};
pub use executor::{WEBHOOK_EXECUTOR, WebhookExecutor};
pub use queue::{DeliveryInbox, DeliveryJob, DeliveryQueue, SubmitError, delivery_queue};
pub use service::{ConfiguredWebhook, WebhookInput, WebhookService};
pub use transport::{OutgoingRequest, TransportFuture, WebhookTransport};
pub use worker::DeliveryPorts;

#[derive(Debug, Error)]
pub enum WebhookError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("forbidden")]
    Forbidden,
    /// The organization has no webhook.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for WebhookError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<SealError> for WebhookError {
    fn from(e: SealError) -> Self {
        Self::Internal(InternalError::Sealing(e))
    }
}
