//! What a page answers when it cannot show what was asked: a small HTML page (or, for a
//! sign-in that ran out, a redirect to the sign-in form).

use std::fmt::Display;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use thiserror::Error;
use xdr_auth::InternalError;
use xdr_domain::FieldErrors;
use xdr_service::{
    AdminError, AgentError, AuditError, ContainmentError, CredentialError, DetectionError,
    IngestError, InventoryError, OnboardingError,
};

use crate::render;

#[derive(Debug, Error)]
pub(crate) enum ConsoleError {
    /// No valid console session: sign in, then come back to `next`.
    #[error("sign-in required")]
    SignIn { next: String, htmx: bool },
    #[error("the form's CSRF token is missing or wrong, or it came from another site")]
    Csrf,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("internal error")]
    Internal,
}

impl ConsoleError {
    /// Logs what failed (the page says only that something did).
    pub(crate) fn internal(error: &dyn Display) -> Self {
        tracing::error!(error = %error, "console request failed");
        Self::Internal
    }

    pub(crate) fn invalid(errors: &FieldErrors) -> Self {
        let text: Vec<String> = errors
            .iter()
            .map(|(field, problems)| format!("{field} {}", problems.join(", ")))
            .collect();
        Self::BadRequest(text.join("; "))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::Csrf | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message) = match self {
            Self::SignIn { next, htmx } => {
                let location = format!("/login?next={}", crate::redirect::encode(next));
                if *htmx {
                    // htmx would swap a followed redirect into the page: ask it to navigate.
                    return render::builder(StatusCode::UNAUTHORIZED)
                        .insert_header(("hx-redirect", location))
                        .finish();
                }
                return render::see_other(&location, &[]);
            }
            Self::Csrf => (
                "Form expired",
                "This form has expired or was not sent from this console. Go back, reload the \
                 page and try again.",
            ),
            Self::Forbidden => ("Not allowed", "Your role does not allow this."),
            Self::NotFound => ("Not found", "There is nothing here."),
            Self::BadRequest(message) => ("Check your input", message.as_str()),
            Self::TooManyRequests { .. } => (
                "Too many attempts",
                "Too many attempts from your address. Wait a minute and try again.",
            ),
            Self::Internal => (
                "Something went wrong",
                "The server could not complete this request. Try again; if it keeps failing, \
                 tell your administrator.",
            ),
        };
        let page = ErrorPage { title, message };
        let mut response = render::page(self.status_code(), &page, &[])
            .unwrap_or_else(|_| render::builder(self.status_code()).finish());
        if let Self::TooManyRequests {
            retry_after_seconds,
        } = self
            && let Ok(value) = header::HeaderValue::from_str(&retry_after_seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

macro_rules! from_service_error {
    ($($error:ty),*) => {$(
        impl From<$error> for ConsoleError {
            fn from(e: $error) -> Self {
                service_error(e)
            }
        }
    )*};
}

/// The variants every service error shares, by name; the rest is a message to show.
trait ServiceError: Display {
    fn kind(&self) -> Kind<'_>;
}

pub(crate) enum Kind<'a> {
    Forbidden,
    NotFound,
    Invalid(&'a FieldErrors),
    Internal,
    Refused,
}

fn service_error(e: impl ServiceError) -> ConsoleError {
    match e.kind() {
        Kind::Forbidden => ConsoleError::Forbidden,
        Kind::NotFound => ConsoleError::NotFound,
        Kind::Invalid(errors) => ConsoleError::invalid(errors),
        Kind::Internal => ConsoleError::internal(&e),
        Kind::Refused => ConsoleError::BadRequest(e.to_string()),
    }
}

/// The four variants most service errors share; `$refused` names the rest, refusals whose
/// message the page shows.
macro_rules! usual_kinds {
    ($($error:ty => $refused:pat),* $(,)?) => {$(
        impl ServiceError for $error {
            fn kind(&self) -> Kind<'_> {
                match self {
                    Self::Forbidden => Kind::Forbidden,
                    Self::NotFound => Kind::NotFound,
                    Self::Validation(errors) => Kind::Invalid(errors),
                    Self::Internal(_) => Kind::Internal,
                    $refused => Kind::Refused,
                }
            }
        }
    )*};
}

usual_kinds!(
    DetectionError => Self::InvalidTransition { .. },
    AgentError => _,
    AdminError => _,
    ContainmentError => Self::PolicyExists,
    InventoryError => _,
    IngestError => _,
    OnboardingError => Self::Wizard(_) | Self::ScanRunning,
);

impl ServiceError for AuditError {
    fn kind(&self) -> Kind<'_> {
        match self {
            Self::Forbidden => Kind::Forbidden,
            Self::Internal(_) => Kind::Internal,
        }
    }
}

impl ServiceError for CredentialError {
    fn kind(&self) -> Kind<'_> {
        match self {
            Self::NotFound => Kind::NotFound,
            Self::Validation(errors) => Kind::Invalid(errors),
            Self::Internal(_) => Kind::Internal,
            Self::Undecryptable => Kind::Refused,
        }
    }
}

impl ServiceError for InternalError {
    fn kind(&self) -> Kind<'_> {
        Kind::Internal
    }
}

from_service_error!(
    DetectionError,
    AgentError,
    AuditError,
    AdminError,
    ContainmentError,
    CredentialError,
    IngestError,
    InventoryError,
    OnboardingError,
    InternalError
);
