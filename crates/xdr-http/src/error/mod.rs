//! Where errors become HTTP responses (the error shape of docs/api.md): `ApiError` here, and
//! one module per area mapping that area's use-case errors.

use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;
use xdr_auth::InternalError;
use xdr_domain::{FieldErrors, RepoError};

mod agents;
mod audit;
mod containment;
mod credentials;
mod detection;
mod identity;
mod ingest;
mod inventory;
mod onboarding;
mod webhooks;

/// The server's clock (unix seconds) on every 401.
pub const SERVER_TIME_HEADER: &str = "x-server-time";

/// `{"error": {...}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case machine-readable code.
    #[schema(example = "validation_failed")]
    pub code: String,
    pub message: String,
    /// Per-field problems (validation errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, Vec<String>>>,
    /// Facts about the refusal a client may act on (e.g. `due_step`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// An error response: status, stable code, safe message, optional fields and `Retry-After`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Option<BTreeMap<String, Vec<String>>>,
    /// Boxed: most errors have none, and `ApiError` travels in every `Result`.
    details: Option<Box<serde_json::Value>>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: None,
            details: None,
            retry_after: None,
        }
    }

    pub fn validation(fields: FieldErrors) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "The request has invalid fields.",
        );
        e.fields = Some(fields.into_map());
        e
    }

    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_request", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication is required.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role does not allow this action.",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Resource not found.")
    }

    pub fn invalid_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "Invalid email or password.",
        )
    }

    pub fn locked(retry_after_seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::LOCKED,
            "account_locked",
            "Too many failed sign-in attempts; try again later.",
        );
        e.retry_after = Some(retry_after_seconds);
        e
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests; slow down.",
        );
        e.retry_after = Some(retry_after_seconds);
        e
    }

    /// Every password check the lockout allows for the account is in flight: a 429 to retry
    /// after `retry_after_seconds`, not a lock.
    pub fn sign_in_busy(retry_after_seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Other sign-ins of this account are being checked; try again in a moment.",
        );
        e.retry_after = Some(retry_after_seconds);
        e
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        )
    }

    /// Logs the cause in full and answers with a generic message.
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "An internal error occurred.",
        )
    }

    pub fn unavailable(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "storage unavailable");
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "The service is temporarily unavailable.",
        );
        e.retry_after = Some(1);
        e
    }

    pub fn with_fields(mut self, fields: BTreeMap<String, Vec<String>>) -> Self {
        self.fields = Some(fields);
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(Box::new(details));
        self
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message.clone(),
                fields: self.fields.clone(),
                details: self.details.as_deref().cloned(),
            },
        };
        let mut response = HttpResponse::build(self.status);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            // Lets an agent whose clock is off correct it (API.md: on every 401 of the agent
            // routes; harmless on the others).
            response.insert_header((
                SERVER_TIME_HEADER,
                chrono::Utc::now().timestamp().to_string(),
            ));
        }
        response.json(body)
    }
}

impl From<InternalError> for ApiError {
    fn from(e: InternalError) -> Self {
        match e {
            InternalError::Storage(RepoError::Unavailable(_)) => ApiError::unavailable(&e),
            other => ApiError::internal(&other),
        }
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        InternalError::Storage(e).into()
    }
}
