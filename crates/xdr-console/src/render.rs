//! HTML answers: every one carries the console's Content-Security-Policy.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder};
use askama::Template;

use crate::error::ConsoleError;

/// Scripts, styles and images from this origin only: no inline script or style, no eval, no
/// plugin, no framing, forms post here only. A `<script>` stored in an event field stays text.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A builder for an answer of `status` with the policy set.
pub(crate) fn builder(status: StatusCode) -> HttpResponseBuilder {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY));
    builder
}

/// Renders `template` as the answer, setting `cookies` (`Set-Cookie` values).
pub(crate) fn page<T: Template>(
    status: StatusCode,
    template: &T,
    cookies: &[String],
) -> Result<HttpResponse, ConsoleError> {
    let body = template.render().map_err(|e| ConsoleError::internal(&e))?;
    let mut builder = builder(status);
    builder.content_type("text/html; charset=utf-8");
    for cookie in cookies {
        builder.append_header((header::SET_COOKIE, cookie.as_str()));
    }
    Ok(builder.body(body))
}

/// 303 See Other to `location` (a path of this console), setting `cookies`.
pub(crate) fn see_other(location: &str, cookies: &[String]) -> HttpResponse {
    let mut builder = builder(StatusCode::SEE_OTHER);
    builder.insert_header((header::LOCATION, location));
    for cookie in cookies {
        builder.append_header((header::SET_COOKIE, cookie.as_str()));
    }
    builder.finish()
}
