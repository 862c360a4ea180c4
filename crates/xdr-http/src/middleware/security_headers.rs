//! Headers every response carries, whatever the handler set: no MIME sniffing, no framing, no
//! referrer, and no `Server` header (it would name the software and its version). Unless the
//! handler chose its caching (the console's content-hashed assets), never stored by a cache:
//! API answers are per tenant and many carry tokens or secrets (sign-in, enrollment, ingest
//! tokens, invitations); nothing here is worth a shared cache's risk.
//!
//! When the server answers HTTPS itself ([`crate::HttpConfig::hsts`]), every response also
//! says `Strict-Transport-Security`: browsers then refuse plain HTTP to this host for a year.
//! Never on plain HTTP, where the header is meaningless (RFC 6797 §7.2) and the deployment may
//! be a proxy that decides it.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

pub const SECURITY_HEADERS: [(header::HeaderName, &str); 3] = [
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
];
/// Set on every answer whose handler did not choose otherwise.
pub const DEFAULT_CACHE_CONTROL: &str = "no-store";
/// One year, the value HSTS preload lists ask for; no `includeSubDomains`: other hosts of the
/// domain are not ours to decide.
pub const HSTS_MAX_AGE_SECONDS: u32 = 31_536_000;
/// `Strict-Transport-Security` as sent: `max-age=` [`HSTS_MAX_AGE_SECONDS`].
pub const HSTS: &str = "max-age=31536000";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let hsts = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.config.hsts);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hsts_value_says_its_max_age() {
        assert_eq!(HSTS, format!("max-age={HSTS_MAX_AGE_SECONDS}"));
    }
}
