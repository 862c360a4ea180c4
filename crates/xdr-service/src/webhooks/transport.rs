//! The port the delivery worker sends through. The adapter (an HTTP client) is built by the
//! binary; it must refuse what [`xdr_domain::webhooks::check_address`] refuses at connection
//! time, follow no redirect and bound both time and the answer it reads.

use std::future::Future;
use std::pin::Pin;

use xdr_domain::webhooks::{AttemptOutcome, WebhookUrl};

/// One signed attempt: `POST url` with a JSON body and these headers.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub url: WebhookUrl,
    /// Besides `Content-Type: application/json`: delivery id, timestamp, signature.
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = AttemptOutcome> + Send + 'a>>;

pub trait WebhookTransport: Send + Sync {
    /// Sends one attempt. Never retries itself; the worker decides.
    fn post<'a>(&'a self, request: &'a OutgoingRequest) -> TransportFuture<'a>;
}
