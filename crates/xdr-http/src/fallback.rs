//! What a request no route took gets: `405 method_not_allowed` with `Allow` when its path is
//! served with other methods (RFC 9110 §15.5.6), else `404 not_found`. Both in the error
//! shape. The routes and their methods are public (the OpenAPI document), so a 405 tells a
//! prober nothing new.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::app::{API_ROUTES, OPERATIONAL_ROUTES};
use crate::error::ApiError;

pub async fn fallback(req: HttpRequest) -> HttpResponse {
    let allowed = allowed_methods(req.path());
    if allowed.is_empty() {
        return ApiError::not_found().error_response();
    }
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("This path answers {}.", allowed.join(", ")),
    )
    .error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// The methods (upper case, in table order, without repeats) of every route whose template
/// matches `path`; a `{name}` segment matches any one non-empty segment.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = Vec::new();
    for (method, template) in API_ROUTES.iter().chain(OPERATIONAL_ROUTES) {
        if matches(template, path) {
            let upper = upper_case(method);
            if !methods.contains(&upper) {
                methods.push(upper);
            }
        }
    }
    methods
}

fn matches(template: &str, path: &str) -> bool {
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

fn upper_case(method: &str) -> &'static str {
    match method {
        "get" => "GET",
        "post" => "POST",
        "put" => "PUT",
        "patch" => "PATCH",
        "delete" => "DELETE",
        _ => "OPTIONS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_served_path_lists_its_methods() {
        assert_eq!(
            allowed_methods("/api/v1/credentials/0190a0e0-0000-7000-8000-000000000000"),
            ["GET", "PATCH", "DELETE"]
        );
        assert_eq!(allowed_methods("/api/v1/auth/login"), ["POST"]);
        assert_eq!(allowed_methods("/healthz"), ["GET"]);
    }

    #[test]
    fn unknown_paths_and_empty_segments_match_nothing() {
        assert!(allowed_methods("/api/v1/nope").is_empty());
        assert!(allowed_methods("/api/v1/credentials/").is_empty());
        assert!(allowed_methods("/api/v1/credentials/x/y").is_empty());
        assert!(allowed_methods("/api/v1").is_empty());
    }
}
