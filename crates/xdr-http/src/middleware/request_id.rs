//! `X-Request-Id`: one id per request, on the response and on every log line of the request
//! (a `request` tracing span around it). A trusted proxy's id is kept, so that one request is
//! found by the same id in the proxy's logs and ours; anyone else's is replaced, so that a client
//! cannot forge log lines that look like another request's.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;
use xdr_domain::net::canonical;

use crate::trusted_proxies::TrustedProxies;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// Longest id accepted from a trusted proxy.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of the current request, in the request's extensions for handlers that want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A sane token: 1–128 characters of `A-Z a-z 0-9 . _ -` (nothing a log reader or a terminal
/// could misread: no spaces, quotes, control characters or separators).
pub fn is_acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The proxy's id when the peer is a trusted proxy and it sent exactly one acceptable
/// `X-Request-Id`; otherwise a new UUIDv7 (time-ordered, so ids sort like the log).
pub fn choose(trusted: &TrustedProxies, peer: Option<IpAddr>, sent: &[&HeaderValue]) -> String {
    let from_trusted_peer = peer.is_some_and(|ip| trusted.contains(canonical(ip)));
    match sent {
        [one] if from_trusted_peer => match one.to_str() {
            Ok(id) if is_acceptable(id) => id.to_owned(),
            _ => new_id(),
        },
        _ => new_id(),
    }
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The outermost middleware: picks the id, runs the rest of the request inside a `request`
/// span carrying it, and sets it on the response. (Handler and extractor errors are responses
/// by the time they get here; only a middleware can fail a request, and none of ours does.)
pub async fn with_request_id(
    trusted: Arc<TrustedProxies>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let sent: Vec<&HeaderValue> = req.headers().get_all(REQUEST_ID_HEADER).collect();
    let id = choose(&trusted, req.peer_addr().map(|a| a.ip()), &sent);
    req.extensions_mut().insert(RequestId(id.clone()));
    // At ERROR level, so that the span is on whatever `log.level` lets through: a span below
    // the filter's level would be disabled, and `warn` lines would lose their request id.
    let span = tracing::error_span!("request", request_id = %id);
    let mut response = next.call(req).instrument(span).await?;
    // Only acceptable tokens are ever chosen, and they are valid header values.
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    fn is_uuid_v7(id: &str) -> bool {
        uuid::Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 7)
    }

    #[test]
    fn acceptable_ids_are_short_plain_tokens() {
        for ok in ["a", "req-1.2_3", &"x".repeat(MAX_REQUEST_ID_LEN)] {
            assert!(is_acceptable(ok), "{ok}");
        }
        let too_long = "x".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in [
            "",
            "a b",
            "a\"b",
            "a,b",
            "é",
            "a\tb",
            "a/b",
            too_long.as_str(),
        ] {
            assert!(!is_acceptable(bad), "{bad}");
        }
    }

    #[test]
    fn only_a_trusted_peer_names_the_id() {
        let trusted = TrustedProxies::parse(&["10.0.0.0/8"]).unwrap();
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let sent = value("from-proxy-42");
        assert_eq!(choose(&trusted, Some(proxy), &[&sent]), "from-proxy-42");
        assert_eq!(choose(&trusted, Some(mapped), &[&sent]), "from-proxy-42");
        assert!(is_uuid_v7(&choose(&trusted, Some(stranger), &[&sent])));
        assert!(is_uuid_v7(&choose(&trusted, None, &[&sent])));
        assert!(is_uuid_v7(&choose(
            &TrustedProxies::none(),
            Some(proxy),
            &[&sent]
        )));
    }

    #[test]
    fn a_trusted_peer_with_a_bad_or_repeated_id_gets_a_new_one() {
        let trusted = TrustedProxies::parse(&["10.0.0.1"]).unwrap();
        let proxy = Some("10.0.0.1".parse().unwrap());
        let (a, b, bad) = (value("a"), value("b"), value("has space"));
        assert!(is_uuid_v7(&choose(&trusted, proxy, &[&a, &b])));
        assert!(is_uuid_v7(&choose(&trusted, proxy, &[&bad])));
        assert!(is_uuid_v7(&choose(&trusted, proxy, &[])));
        assert_ne!(choose(&trusted, proxy, &[]), choose(&trusted, proxy, &[]));
    }
}
