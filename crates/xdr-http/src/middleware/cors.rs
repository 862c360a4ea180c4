//! Cross-origin requests (CORS): off unless origins are configured, then allowed for exactly
//! those origins. The API authenticates with `Authorization: Bearer`, never with cookies, so
//! credentialed requests are not allowed (`Access-Control-Allow-Credentials` is never sent):
//! a page of an allowed origin must hold the token itself, and no other page can make a
//! browser send one.

use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use thiserror::Error;

/// Methods a preflight allows: those the API serves.
pub const ALLOWED_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// Request headers a preflight allows.
pub const ALLOWED_HEADERS: &str = "authorization, content-type, x-request-id";
/// Response headers a page may read besides the CORS-safelisted ones.
pub const EXPOSED_HEADERS: &str = "x-request-id, retry-after, location";
/// How long a browser may reuse a preflight's answer (seconds).
pub const PREFLIGHT_MAX_AGE: &str = "600";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not an origin: write scheme://host[:port] with http or https, no path, no `*`")]
pub struct InvalidOrigin(pub String);

/// The origins allowed to call the API from a browser, each `scheme://host[:port]` in lower
/// case (as browsers send `Origin`), compared exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsOrigins(Vec<String>);

impl CorsOrigins {
    pub fn none() -> Self {
        Self(Vec::new())
    }

    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, InvalidOrigin> {
        entries
            .iter()
            .map(|e| parse_origin(e.as_ref()))
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn is_enabled(&self) -> bool {
        !self.0.is_empty()
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.0.iter().any(|o| o == origin)
    }
}

fn parse_origin(entry: &str) -> Result<String, InvalidOrigin> {
    let invalid = || InvalidOrigin(entry.to_owned());
    let lower = entry.trim().to_ascii_lowercase();
    let authority = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if authority.is_empty() || authority.starts_with(':') || !authority.chars().all(plain) {
        return Err(invalid());
    }
    Ok(lower)
}

/// The request's `Origin` when it is one of `origins`.
fn allowed_origin<'a>(origins: &CorsOrigins, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    origin
        .to_str()
        .ok()
        .filter(|o| origins.allows(o))
        .map(|_| origin)
}

/// Answers the preflight of an allowed origin; adds the CORS headers to its other responses.
/// A request of any other origin gets no CORS header at all (the browser then refuses to hand
/// the response to the page), and its preflight goes to the routes like any `OPTIONS`.
pub async fn cors(
    origins: Arc<CorsOrigins>,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if !origins.is_enabled() {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let origin = allowed_origin(&origins, req.headers()).cloned();
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if let (Some(origin), true) = (&origin, preflight) {
        let response = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone()))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE))
            .insert_header((header::VARY, "Origin"))
            .finish();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    // The answer depends on `Origin` whenever CORS is on (caches must not mix them up).
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    Ok(response.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_in_lower_case() {
        let origins = CorsOrigins::parse(&[
            "https://Console.Example.com",
            "http://127.0.0.1:3000",
            "http://[::1]:8080",
        ])
        .unwrap();
        assert!(origins.allows("https://console.example.com"));
        assert!(origins.allows("http://127.0.0.1:3000"));
        assert!(origins.allows("http://[::1]:8080"));
        for other in [
            "https://console.example.com:443",
            "http://console.example.com",
            "https://evil.console.example.com",
            "https://console.example.com.evil.test",
            "null",
        ] {
            assert!(!origins.allows(other), "{other}");
        }
        assert!(!CorsOrigins::none().is_enabled());
    }

    #[test]
    fn refuses_what_is_not_an_origin() {
        for bad in [
            "*",
            "console.example.com",
            "ftp://x.example",
            "https://",
            "https://x.example/",
            "https://x.example/app",
            "https://user@x.example",
            "https://x.example?q",
            "https://*.example.com",
            "https://:443",
        ] {
            assert!(CorsOrigins::parse(&[bad]).is_err(), "{bad}");
        }
    }
}
