//! Reading and writing the console's cookies. Names and values are ours (base64url tokens and
//! JWTs), so a small parser suffices: no attribute of the request's header is trusted.

use actix_web::HttpRequest;
use actix_web::http::header;

/// The value of cookie `name` in the request, if it is there once with a non-empty value.
pub(crate) fn read(req: &HttpRequest, name: &str) -> Option<String> {
    let mut found = None;
    for value in req.headers().get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for pair in value.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else {
                continue;
            };
            if k == name {
                if found.is_some() {
                    // Two cookies of one name: one was planted; trust neither.
                    return None;
                }
                found = Some(v.to_owned());
            }
        }
    }
    found.filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: always `Path=/`, HttpOnly and SameSite=Strict; `Secure` with
/// `__Host-` names. `max_age` 0 deletes the cookie.
pub(crate) fn set(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The cookie `base` is called: `__Host-<base>` when secure (the browser then refuses it from
/// any other origin, subdomains included, and without TLS), else `<base>`.
pub(crate) fn name(base: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn reads_one_cookie_among_others() {
        let req = TestRequest::default()
            .insert_header((header::COOKIE, "a=1; xdr_session=tok.en; b=2"))
            .to_http_request();
        assert_eq!(read(&req, "xdr_session").as_deref(), Some("tok.en"));
        assert_eq!(read(&req, "missing"), None);
    }

    #[test]
    fn a_doubled_cookie_is_not_trusted() {
        let req = TestRequest::default()
            .insert_header((header::COOKIE, "xdr_csrf=a; xdr_csrf=b"))
            .to_http_request();
        assert_eq!(read(&req, "xdr_csrf"), None);
    }

    #[test]
    fn secure_cookies_get_the_host_prefix() {
        assert_eq!(name("xdr_session", true), "__Host-xdr_session");
        let set = set(&name("xdr_session", true), "v", 60, true);
        assert!(set.ends_with("HttpOnly; SameSite=Strict; Secure"), "{set}");
        assert!(set.contains("Path=/;"), "{set}");
    }
}
