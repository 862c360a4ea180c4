//! The HTTP client that delivers webhooks (the `WebhookTransport` adapter), with the SSRF guard
//! at connection time: names are resolved here and refused when any address is internal, and
//! the connection goes to exactly the addresses that were checked.

mod resolver;
mod transport;

pub use resolver::{GuardRefusal, GuardedResolver, guard};
pub use transport::{HttpTransport, MAX_RESPONSE_BYTES, TransportError};
