//! A server's answer as the agent reads it, and what each status means to it: the one place
//! where HTTP statuses become [`ClientError`]s.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;
use thiserror::Error;

use crate::wire::ErrorBody;

pub const SERVER_TIME_HEADER: &str = "x-server-time";

#[derive(Debug, Error)]
pub enum ClientError {
    #[error("the server URL {0:?} is not an http(s) URL without query or fragment")]
    BadUrl(String),
    #[error(
        "refusing plain http:// to {0}: only a server on this host may be reached without TLS \
         (use https://)"
    )]
    PlainHttp(String),
    /// Our refusal of the server's certificate (wrong CA, pin, name or validity). Retried by
    /// `run` (the server's certificate may be fixed); `enroll` gives up at once.
    #[error("the server's certificate is not trusted ({0}): check --ca-file or --pin")]
    UntrustedServer(String),
    #[error("the CA file cannot be used: {0}")]
    CaFile(String),
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    #[error("cannot build the HTTP client: {0}")]
    Build(#[source] reqwest::Error),
    #[error("the server cannot be reached: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("the server refused our credentials ({code}): {message}")]
    Unauthorized { code: String, message: String },
    #[error("the server is busy ({status})")]
    Busy {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("the server failed ({status})")]
    Server { status: u16 },
    #[error("the server refused the request ({status} {code}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the server's answer ({status}) could not be read: {detail}")]
    Decode { status: u16, detail: String },
    #[error("the agent secret is unusable: {0}")]
    Secret(#[from] crate::signing::BadSecret),
}

impl ClientError {
    /// Whether trying the same request again later may succeed. A request the server found
    /// malformed, too large or invalid (400, 413, 422) never will. Everything else may: a
    /// 401 after a secret reload or a re-enrollment, a 404 or 409 once the server is fixed
    /// or upgraded; those are retried, slowly, rather than losing events.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::BadUrl(_)
            | Self::PlainHttp(_)
            | Self::CaFile(_)
            | Self::Tls(_)
            | Self::Build(_)
            | Self::Secret(_) => false,
            Self::Rejected { status, .. } => !matches!(status, 400 | 413 | 422),
            _ => true,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Busy { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Status, the headers the agent uses, and a bounded body.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// `X-Server-Time` (unix seconds), when present and readable.
    pub fn server_time(&self) -> Option<i64> {
        self.headers
            .get(SERVER_TIME_HEADER)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// `Retry-After`, as seconds or as an HTTP date.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let wait = at.timestamp() - chrono::Utc::now().timestamp();
        Some(Duration::from_secs(u64::try_from(wait).unwrap_or(0)))
    }

    fn error_body(&self) -> (String, String) {
        serde_json::from_slice::<ErrorBody>(&self.body)
            .map(|b| (b.error.code, b.error.message))
            .unwrap_or_default()
    }

    /// The reply if its status is a success, else the error it stands for.
    pub fn success(self) -> Result<Self, ClientError> {
        let status = self.status.as_u16();
        if self.status.is_success() {
            return Ok(self);
        }
        Err(match self.status {
            StatusCode::UNAUTHORIZED => {
                let (code, message) = self.error_body();
                ClientError::Unauthorized { code, message }
            }
            StatusCode::TOO_MANY_REQUESTS
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::REQUEST_TIMEOUT => ClientError::Busy {
                status,
                retry_after: self.retry_after(),
            },
            s if s.is_server_error() => ClientError::Server { status },
            _ => {
                let (code, message) = self.error_body();
                ClientError::Rejected {
                    status,
                    code,
                    message,
                }
            }
        })
    }

    /// The successful reply's body as `T`.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, ClientError> {
        let reply = self.success()?;
        serde_json::from_slice(&reply.body).map_err(|e| ClientError::Decode {
            status: reply.status.as_u16(),
            detail: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use reqwest::header::HeaderValue;

    use super::*;

    fn reply(status: u16, headers: &[(&'static str, &str)], body: &str) -> Reply {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn statuses_map_to_errors() {
        let e = reply(
            401,
            &[],
            r#"{"error":{"code":"invalid_signature","message":"no"}}"#,
        )
        .success()
        .unwrap_err();
        assert!(
            matches!(&e, ClientError::Unauthorized { code, .. } if code == "invalid_signature")
        );
        let e = reply(429, &[("retry-after", "12")], "")
            .success()
            .unwrap_err();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
        assert!(e.is_retryable());
        let e = reply(
            422,
            &[],
            r#"{"error":{"code":"validation_failed","message":"x"}}"#,
        )
        .success()
        .unwrap_err();
        assert!(!e.is_retryable());
        assert!(!reply(413, &[], "").success().unwrap_err().is_retryable());
        assert!(reply(404, &[], "").success().unwrap_err().is_retryable());
        assert!(reply(502, &[], "").success().unwrap_err().is_retryable());
        assert!(reply(202, &[], "{}").success().is_ok());
    }

    #[test]
    fn server_time_header_is_read() {
        assert_eq!(
            reply(401, &[("x-server-time", "1767225600")], "").server_time(),
            Some(1_767_225_600)
        );
        assert_eq!(
            reply(401, &[("x-server-time", "soon")], "").server_time(),
            None
        );
    }
}
