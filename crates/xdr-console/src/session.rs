//! The signed-in analyst of a console request: the session cookie's token, verified by the
//! same service as the API's bearer tokens (session still active, role as of now).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use xdr_auth::{AuthenticateError, Principal};
use xdr_domain::identity::Role;

use crate::console::ConsoleState;
use crate::cookies;
use crate::csrf::{self, CsrfToken};
use crate::error::ConsoleError;

const COOKIE: &str = "xdr_session";

/// A request with an active console session.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) principal: Principal,
    pub(crate) csrf: CsrfToken,
    pub(crate) secure: bool,
}

impl Signed {
    /// Refuses (403) unless the analyst's role is at least `role`.
    pub(crate) fn require(&self, role: Role) -> Result<(), ConsoleError> {
        if self.principal.role.satisfies(role) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    /// A state-changing form: its CSRF token first (a forged request learns nothing about
    /// roles), then the least role it needs.
    pub(crate) fn authorize(
        &self,
        req: &HttpRequest,
        csrf: &str,
        role: Role,
    ) -> Result<(), ConsoleError> {
        csrf::verify(req, self.secure, csrf)?;
        self.require(role)
    }

    /// The cookies a page must set (a CSRF cookie the browser did not have yet).
    pub(crate) fn cookies(&self) -> Vec<String> {
        self.csrf.set_cookie.iter().cloned().collect()
    }
}

/// Whether htmx sent the request (it then wants a fragment, or a navigation header).
pub(crate) fn is_htmx(req: &HttpRequest) -> bool {
    req.headers()
        .get("hx-request")
        .is_some_and(|v| v.as_bytes() == b"true")
}

pub(crate) fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
    cookies::set(&cookies::name(COOKIE, secure), token, max_age, secure)
}

pub(crate) fn clear_session_cookie(secure: bool) -> String {
    cookies::set(&cookies::name(COOKIE, secure), "", 0, secure)
}

fn state(req: &HttpRequest) -> Result<web::Data<ConsoleState>, ConsoleError> {
    req.app_data::<web::Data<ConsoleState>>()
        .cloned()
        .ok_or_else(|| ConsoleError::internal(&"console state missing"))
}

impl FromRequest for Signed {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ConsoleError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state?;
            let secure = state.secure(&req);
            let next = if req.method() == actix_web::http::Method::GET {
                req.uri().to_string()
            } else {
                "/".to_owned()
            };
            let sign_in = || ConsoleError::SignIn {
                next: next.clone(),
                htmx: is_htmx(&req),
            };
            let token = cookies::read(&req, &cookies::name(COOKIE, secure)).ok_or_else(sign_in)?;
            let principal = match state.services.auth.authenticate_browser(&token).await {
                Ok(p) => p,
                Err(AuthenticateError::Unauthorized) => return Err(sign_in()),
                Err(AuthenticateError::Internal(e)) => return Err(ConsoleError::internal(&e)),
            };
            Ok(Signed {
                principal,
                csrf: csrf::current(&req, secure),
                secure,
            })
        })
    }
}
