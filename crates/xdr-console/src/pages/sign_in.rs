//! Signing in and out. Sign-in goes through the same use case as `POST /auth/login`
//! (lockout, audit, per-IP limit), then the session's token goes into the cookie.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_auth::{AccountError, LoginError};

use super::CsrfForm;
use crate::console::ConsoleState;
use crate::csrf;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::redirect::safe_next;
use crate::render;
use crate::session::{self, Signed};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn form(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let csrf = csrf::current(&req, state.secure(&req));
    let page = LoginPage {
        layout: Layout::public(&state, &csrf, "Sign in"),
        next: safe_next(query.next.as_deref()),
        email: String::new(),
        error: None,
    };
    render::page(
        StatusCode::OK,
        &page,
        &csrf.set_cookie.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

pub(crate) async fn submit(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, ConsoleError> {
    let secure = state.secure(&req);
    csrf::verify(&req, secure, &form.csrf)?;
    super::entry::within_limit(&state, &req)?;
    let client = (state.config.client)(&req);
    let auth = &state.services.auth;
    let (status, error) = match auth.login(&form.email, &form.password, &client).await {
        Ok(logged_in) => {
            let next = safe_next(form.next.as_deref());
            return super::entry::signed_in(auth, &logged_in.tokens, secure, &next);
        }
        Err(LoginError::InvalidCredentials) => (
            StatusCode::UNAUTHORIZED,
            "The email or the password is wrong.".to_owned(),
        ),
        Err(LoginError::Locked {
            retry_after_seconds,
        }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "This account is locked after too many failed sign-ins. Try again in {} minute(s).",
                retry_after_seconds.div_ceil(60).max(1)
            ),
        ),
        Err(LoginError::Busy { .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            "Other sign-ins to this account are being checked. Try again in a moment.".to_owned(),
        ),
        Err(LoginError::Internal(e)) => return Err(ConsoleError::internal(&e)),
    };
    let csrf = csrf::current(&req, secure);
    let page = LoginPage {
        layout: Layout::public(&state, &csrf, "Sign in"),
        next: safe_next(form.next.as_deref()),
        email: form.email.clone(),
        error: Some(error),
    };
    render::page(status, &page, &[])
}

/// Ends the login session (its API tokens too) and clears the cookie.
pub(crate) async fn logout(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, ConsoleError> {
    csrf::verify(&req, signed.secure, &form.csrf)?;
    let client = (state.config.client)(&req);
    match state.services.auth.logout(&signed.principal, &client).await {
        Ok(()) | Err(AccountError::NotFound) => {}
        Err(e) => return Err(ConsoleError::internal(&e)),
    }
    Ok(render::see_other(
        "/login",
        &[session::clear_session_cookie(signed.secure)],
    ))
}
