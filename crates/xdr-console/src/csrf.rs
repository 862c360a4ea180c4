//! CSRF protection: a random token in a cookie of its own that every form and htmx request
//! must repeat (a hidden `csrf` field, or the `X-CSRF-Token` header), and, when the browser
//! says where a request comes from (`Sec-Fetch-Site`, `Origin`), it must be this origin.
//! The session cookie is SameSite=Strict besides; either defence alone stops a cross-site form.

use actix_web::HttpRequest;
use actix_web::http::header;
use xdr_crypto::{TOKEN_LEN, constant_time_eq, random_token};

use crate::cookies;
use crate::error::ConsoleError;

const COOKIE: &str = "xdr_csrf";
pub(crate) const HEADER: &str = "x-csrf-token";
/// As long as a console sign-in lasts: a form left open a day still submits.
const MAX_AGE_SECONDS: i64 = 12 * 60 * 60;

/// The token a page puts in its forms, and the cookie to set when the browser had none.
#[derive(Debug, Clone)]
pub(crate) struct CsrfToken {
    pub(crate) value: String,
    pub(crate) set_cookie: Option<String>,
}

fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The browser's token, or a new one (with its cookie) when it has none.
pub(crate) fn current(req: &HttpRequest, secure: bool) -> CsrfToken {
    match cookies::read(req, &cookies::name(COOKIE, secure)) {
        Some(value) if well_formed(&value) => CsrfToken {
            value,
            set_cookie: None,
        },
        _ => fresh(secure),
    }
}

/// A new token, as after signing in (a token seen before sign-in is not kept after it).
pub(crate) fn fresh(secure: bool) -> CsrfToken {
    let value = random_token().expose().to_owned();
    let set_cookie = cookies::set(
        &cookies::name(COOKIE, secure),
        &value,
        MAX_AGE_SECONDS,
        secure,
    );
    CsrfToken {
        value,
        set_cookie: Some(set_cookie),
    }
}

/// Refuses a state-changing request unless it repeats the cookie's token and comes from this
/// origin. `submitted` is the form's `csrf` field; the header is read when it is empty.
pub(crate) fn verify(req: &HttpRequest, secure: bool, submitted: &str) -> Result<(), ConsoleError> {
    let cookie = cookies::read(req, &cookies::name(COOKIE, secure)).ok_or(ConsoleError::Csrf)?;
    let header = || req.headers().get(HEADER).and_then(|v| v.to_str().ok());
    let submitted = Some(submitted)
        .filter(|s| !s.is_empty())
        .or_else(header)
        .ok_or(ConsoleError::Csrf)?;
    if !well_formed(&cookie) || !constant_time_eq(cookie.as_bytes(), submitted.as_bytes()) {
        return Err(ConsoleError::Csrf);
    }
    if !same_origin(req) {
        return Err(ConsoleError::Csrf);
    }
    Ok(())
}

/// The browser's word on where the request comes from. `Sec-Fetch-Site` (sent by every
/// current browser, not settable by a page) decides when present; else a foreign `Origin` is
/// refused. `Origin: null` is what a form of a page under `Referrer-Policy: no-referrer` (ours)
/// sends, even to its own origin: the token alone decides then.
fn same_origin(req: &HttpRequest) -> bool {
    let text = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    match text(header::ORIGIN.as_str()) {
        None | Some("null") => true,
        Some(origin) => origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .is_some_and(|h| h.eq_ignore_ascii_case(req.connection_info().host())),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(cookie: &str, extra: &[(&str, &str)]) -> HttpRequest {
        let mut req = TestRequest::default()
            .insert_header(("host", "console.example"))
            .insert_header((header::COOKIE, format!("xdr_csrf={cookie}")));
        for (k, v) in extra {
            req = req.insert_header((*k, *v));
        }
        req.to_http_request()
    }

    #[test]
    fn the_token_must_match_the_cookie() {
        let token = fresh(false).value;
        let req = request(&token, &[]);
        assert!(verify(&req, false, &token).is_ok());
        let other = fresh(false).value;
        assert!(verify(&req, false, &other).is_err());
        assert!(verify(&req, false, "").is_err());
        assert!(verify(&req, false, "").is_err());
    }

    #[test]
    fn the_header_counts_as_the_field() {
        let token = fresh(false).value;
        let req = request(&token, &[(HEADER, &token)]);
        assert!(verify(&req, false, "").is_ok());
    }

    #[test]
    fn cross_site_requests_are_refused_even_with_the_token() {
        let token = fresh(false).value;
        for headers in [
            &[("sec-fetch-site", "cross-site")][..],
            &[("sec-fetch-site", "same-site")][..],
            &[("origin", "https://evil.example")][..],
            &[("origin", "null"), ("sec-fetch-site", "cross-site")][..],
        ] {
            let req = request(&token, headers);
            assert!(verify(&req, false, &token).is_err(), "{headers:?}");
        }
        for headers in [
            &[("origin", "http://console.example")][..],
            &[("origin", "null"), ("sec-fetch-site", "same-origin")][..],
            &[("origin", "null")][..],
        ] {
            let req = request(&token, headers);
            assert!(verify(&req, false, &token).is_ok(), "{headers:?}");
        }
    }

    #[test]
    fn a_secure_request_reads_only_the_host_prefixed_cookie() {
        let token = fresh(true).value;
        let req = request(&token, &[]);
        assert!(verify(&req, true, &token).is_err());
    }
}
