//! `WebhookTransport` over reqwest: one POST per attempt, no redirects, no proxy, a timeout per
//! attempt, at most [`MAX_RESPONSE_BYTES`] of the answer read, internal addresses refused.

use std::error::Error;

use reqwest::header::CONTENT_TYPE;
use reqwest::redirect::Policy;
use xdr_crypto::tls::{self, Trust};
use xdr_domain::webhooks::{AttemptOutcome, check_address};
use xdr_service::webhooks::{DeliveryConfig, OutgoingRequest, TransportFuture, WebhookTransport};

use super::resolver::{GuardRefusal, GuardedResolver};

/// The most of a receiver's answer that is read (then the connection is dropped).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
const USER_AGENT: &str = concat!("mini-xdr-webhook/", env!("CARGO_PKG_VERSION"));

/// Why the delivery client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("TLS settings: {0}")]
    Tls(#[from] tls::TlsError),
    #[error("HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    guard: GuardedResolver,
}

impl HttpTransport {
    pub fn new(config: &DeliveryConfig) -> Result<Self, TransportError> {
        let guard = GuardedResolver {
            allow_private_networks: config.url_policy.allow_private_networks,
        };
        let client = reqwest::Client::builder()
            .redirect(Policy::none())
            .no_proxy()
            .retry(reqwest::retry::never())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .dns_resolver(guard)
            .user_agent(USER_AGENT)
            .tls_backend_preconfigured(tls::client_config(Trust::SystemRoots)?)
            .build()?;
        Ok(Self { client, guard })
    }

    async fn send(&self, request: &OutgoingRequest) -> AttemptOutcome {
        // IP literals are connected to without resolution: check them here.
        if let Some(ip) = request.url.literal_ip()
            && let Err(refusal) = check_address(ip, self.guard.allow_private_networks)
        {
            return AttemptOutcome::Refused(refusal.to_string());
        }
        let mut builder = self
            .client
            .post(request.url.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(request.body.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        match builder.send().await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                // Read a bounded part of the answer (nobody needs it), then hang up.
                let mut read = 0;
                while read < MAX_RESPONSE_BYTES {
                    match response.chunk().await {
                        Ok(Some(chunk)) => read += chunk.len(),
                        _ => break,
                    }
                }
                AttemptOutcome::Status(status)
            }
            Err(error) => outcome_of(&error),
        }
    }
}

impl WebhookTransport for HttpTransport {
    fn post<'a>(&'a self, request: &'a OutgoingRequest) -> TransportFuture<'a> {
        Box::pin(self.send(request))
    }
}

/// The refusal, timeout or network failure behind `error`, worded without the URL (its path
/// may carry a receiver's token).
fn outcome_of(error: &reqwest::Error) -> AttemptOutcome {
    let mut source: Option<&(dyn Error + 'static)> = error.source();
    let mut innermost = None;
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<GuardRefusal>() {
            return AttemptOutcome::Refused(refusal.to_string());
        }
        innermost = Some(cause);
        source = cause.source();
    }
    if error.is_timeout() {
        return AttemptOutcome::TimedOut;
    }
    let detail = innermost.map_or_else(|| error.to_string(), |cause| cause.to_string());
    if error.is_connect() {
        AttemptOutcome::Network(format!("cannot connect: {detail}"))
    } else {
        AttemptOutcome::Network(detail)
    }
}

#[cfg(test)]
mod tests {
    use xdr_domain::webhooks::{UrlPolicy, WebhookUrl};

    use super::*;

    const LAX: UrlPolicy = UrlPolicy {
        allow_http: true,
        allow_private_networks: true,
    };

    fn request(url: &str) -> OutgoingRequest {
        OutgoingRequest {
            url: WebhookUrl::parse(url, LAX).unwrap(),
            headers: Vec::new(),
            body: "{}".into(),
        }
    }

    /// The guard acts in the client itself, whatever the URL's own checks said.
    #[tokio::test]
    async fn internal_addresses_are_refused_at_connection_time() {
        let strict = HttpTransport::new(&DeliveryConfig::default()).unwrap();
        for (url, expected) in [
            // Resolved by the guarded resolver, then refused.
            ("http://localhost:9/hook", "address "),
            // IP literals skip resolution; checked before sending.
            ("http://127.0.0.1:9/hook", "address 127.0.0.1 is loopback"),
            (
                "http://[::ffff:10.0.0.5]:9/",
                "address ::ffff:10.0.0.5 is private",
            ),
        ] {
            match strict.post(&request(url)).await {
                AttemptOutcome::Refused(reason) => {
                    assert!(reason.starts_with(expected), "{url}: {reason}");
                    assert!(reason.ends_with(" is loopback") || reason.ends_with(" is private"));
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn unreachable_receivers_are_network_errors_without_the_url() {
        let lax = HttpTransport::new(&DeliveryConfig {
            url_policy: LAX,
            ..DeliveryConfig::default()
        })
        .unwrap();
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let outcome = lax.post(&request("http://127.0.0.1:9/token-in-path")).await;
        match outcome {
            AttemptOutcome::Network(detail) => {
                assert!(detail.starts_with("cannot connect"), "{detail}");
                assert!(!detail.contains("token-in-path"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
    }
}
