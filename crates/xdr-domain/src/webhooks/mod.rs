//! Webhooks: an organization's endpoint that receives its containment actions, signed with a
//! secret only the organization knows. This module holds the rules (URL and address checks,
//! the payload, retries); delivery itself happens behind the ports.

pub mod address;
pub mod delivery;
pub mod endpoint;
pub mod payload;
pub mod url;

pub use address::{AddressClass, AddressRefusal, check_address, classify};
pub use delivery::{AttemptOutcome, MAX_RESULT_CHARS, RetryPolicy, conclude};
pub use endpoint::{
    SECRET_PREVIEW_CHARS, WEBHOOK_BINDING_KIND, WebhookEndpoint, WebhookPut, WebhookPutAudit,
    WebhookSealedRecord, secret_preview, webhook_secret_binding,
};
pub use payload::{
    DELIVERY_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX, TIMESTAMP_HEADER, delivery_body,
    signature_header, signing_input,
};
pub use url::{MAX_URL_CHARS, UrlPolicy, WebhookUrl, WebhookUrlError};
