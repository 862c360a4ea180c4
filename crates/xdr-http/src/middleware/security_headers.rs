//! Headers every response carries, whatever the handler set: no MIME sniffing, no framing, no
//! referrer, and no `Server` header (it would name the software and its version). Unless the
//! handler chose its caching (the console's content-hashed assets), never stored by a cache:
//! API answers are per tenant and many carry tokens or secrets (sign-in, enrollment, ingest
//! tokens, invitations); nothing here is worth a shared cache's risk.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

pub const SECURITY_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
];
/// Set on every answer whose handler did not choose otherwise.
pub const DEFAULT_CACHE_CONTROL: &str = "no-store";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(DEFAULT_CACHE_CONTROL),
        );
    }
    headers.remove(header::SERVER);
    Ok(response)
}
