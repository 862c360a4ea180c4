//! The delivery worker: takes queued actions, signs and sends them with bounded retries, and
//! records the outcome in the action log. At most `concurrency` deliveries are in flight; the
//! rest wait in the bounded queue.

use std::fmt;
use std::sync::Arc;

use tokio::sync::Semaphore;
use xdr_crypto::hmac_sha256_hex;
use xdr_domain::Clock;
use xdr_domain::containment::{ActionStatus, Execution};
use xdr_domain::ports::{ContainmentRepository, DetectionRepository, Sealer, WebhookRepository};
use xdr_domain::secrets::SecretBytes;
use xdr_domain::telemetry::{DeliveryOutcome, Telemetry};
use xdr_domain::webhooks::{
    AttemptOutcome, DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookUrl,
    WebhookUrlError, conclude, delivery_body, signature_header, signing_input,
};

use super::config::DeliveryConfig;
use super::queue::{DeliveryInbox, DeliveryJob};
use super::transport::{OutgoingRequest, WebhookTransport};
use xdr_auth::InternalError;
use xdr_auth::blocking;

/// What the worker needs from storage and the vault.
#[derive(Clone)]
pub struct DeliveryPorts {
    pub containment: Arc<dyn ContainmentRepository>,
    pub incidents: Arc<dyn DetectionRepository>,
    pub webhooks: Arc<dyn WebhookRepository>,
    pub sealer: Arc<dyn Sealer>,
    pub clock: Arc<dyn Clock>,
    /// Counts deliveries by how they ended.
    pub telemetry: Arc<Telemetry>,
}

impl fmt::Debug for DeliveryPorts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryPorts").finish_non_exhaustive()
    }
}

pub(crate) struct Worker {
    pub(crate) ports: DeliveryPorts,
    pub(crate) transport: Arc<dyn WebhookTransport>,
    pub(crate) config: DeliveryConfig,
}

/// A delivery ready to send.
struct Ready {
    url: WebhookUrl,
    secret: SecretBytes,
    delivery_id: String,
    body: String,
}

enum Prepared {
    /// Gone, no longer pending, or claimed by another delivery (a duplicate job, another
    /// instance): nothing to do.
    Skip,
    /// Ends without sending.
    Conclude(Execution),
    Send(Ready),
}

fn failed(result: String) -> Prepared {
    Prepared::Conclude(Execution {
        status: ActionStatus::Failed,
        result: Some(result),
    })
}

fn url_refusal(e: &WebhookUrlError) -> String {
    match e {
        WebhookUrlError::Address(_) | WebhookUrlError::Localhost(_) => e.to_string(),
        other => format!("refused: the URL {other}"),
    }
}

impl Worker {
    /// Drains `inbox` until every sender is gone, `concurrency` deliveries at a time.
    pub(crate) async fn run(self: Arc<Self>, mut inbox: DeliveryInbox) {
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        loop {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            let Some(job) = inbox.recv().await else {
                break;
            };
            let worker = Arc::clone(&self);
            tokio::spawn(async move {
                worker.deliver(job).await;
                drop(permit);
            });
        }
        tracing::debug!("webhook delivery worker stopped");
    }

    async fn deliver(&self, job: DeliveryJob) {
        if let Err(error) = self.try_deliver(job).await {
            // The row stays `pending`; the next start re-queues it.
            tracing::error!(
                action_id = %job.action_id,
                organization_id = %job.organization_id,
                error = %error,
                "webhook delivery could not be completed"
            );
        }
    }

    async fn try_deliver(&self, job: DeliveryJob) -> Result<(), InternalError> {
        let ports = self.ports.clone();
        let config = self.config;
        let prepared = blocking::run(move || prepare(&ports, &config, job)).await?;
        let (execution, host) = match prepared {
            Prepared::Skip => return Ok(()),
            Prepared::Conclude(execution) => (execution, None),
            Prepared::Send(ready) => {
                let host = ready.url.host().to_owned();
                (self.send(ready).await, Some(host))
            }
        };
        let outcome = match (&host, execution.status) {
            (None, _) => DeliveryOutcome::NotSent,
            (Some(_), ActionStatus::Succeeded) => DeliveryOutcome::Delivered,
            (Some(_), _) => DeliveryOutcome::Failed,
        };
        self.ports.telemetry.webhook_deliveries.inc(outcome);
        let result = execution.result.clone().unwrap_or_default();
        tracing::info!(
            action_id = %job.action_id,
            organization_id = %job.organization_id,
            host = host.as_deref().unwrap_or(""),
            status = execution.status.as_str(),
            result = %result,
            "webhook delivery finished"
        );
        let containment = Arc::clone(&self.ports.containment);
        blocking::run(move || {
            containment.finish_action(
                job.organization_id,
                job.action_id,
                execution.status,
                &result,
            )
        })
        .await?;
        Ok(())
    }

    /// Attempts until success, a final answer or the last attempt; each attempt is signed
    /// afresh (its own timestamp) over the same body.
    async fn send(&self, ready: Ready) -> Execution {
        let retry = self.config.retry;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let request = self.sign(&ready);
            let outcome: AttemptOutcome = self.transport.post(&request).await;
            if retry.should_retry(&outcome, attempts) {
                tokio::time::sleep(retry.backoff(attempts)).await;
                continue;
            }
            return conclude(&outcome, attempts);
        }
    }

    fn sign(&self, ready: &Ready) -> OutgoingRequest {
        let timestamp = self.ports.clock.now().timestamp();
        let mac = hmac_sha256_hex(
            ready.secret.expose(),
            &signing_input(timestamp, &ready.body),
        );
        OutgoingRequest {
            url: ready.url.clone(),
            headers: vec![
                (DELIVERY_HEADER, ready.delivery_id.clone()),
                (TIMESTAMP_HEADER, timestamp.to_string()),
                (SIGNATURE_HEADER, signature_header(&mac)),
            ],
            body: ready.body.clone(),
        }
    }
}

/// Reads what the delivery needs and checks it is still wanted and allowed.
fn prepare(
    ports: &DeliveryPorts,
    config: &DeliveryConfig,
    job: DeliveryJob,
) -> Result<Prepared, xdr_domain::RepoError> {
    let org = job.organization_id;
    let Some(log) = ports.containment.get_action(org, job.action_id)? else {
        return Ok(Prepared::Skip);
    };
    if log.status != ActionStatus::Pending {
        return Ok(Prepared::Skip);
    }
    // Another instance (or a duplicate job here) may hold it: only the claimant sends.
    let now = ports.clock.now();
    let until = crate::lease::after(now, config.claim_lease());
    if !ports
        .containment
        .claim_action(org, job.action_id, now, until)?
    {
        return Ok(Prepared::Skip);
    }
    let endpoint = match ports.webhooks.get(org)? {
        Some(endpoint) if endpoint.enabled => endpoint,
        _ => {
            return Ok(failed(
                "not delivered: the webhook was deleted or disabled before delivery".into(),
            ));
        }
    };
    let url = match WebhookUrl::parse(&endpoint.url, config.url_policy) {
        Ok(url) => url,
        Err(e) => return Ok(failed(url_refusal(&e))),
    };
    let Some(incident) = ports.incidents.get_incident(org, log.incident_id)? else {
        return Ok(failed(
            "not delivered: the incident no longer exists".into(),
        ));
    };
    let secret = match ports.sealer.open(&endpoint.secret, &endpoint.binding()) {
        Ok(secret) => secret,
        Err(error) => {
            tracing::error!(
                organization_id = %org,
                webhook_id = %endpoint.id,
                key_version = endpoint.secret.key_version(),
                error = %error,
                "webhook secret does not open; delivery refused"
            );
            return Ok(failed(
                "not delivered: the signing secret does not open (see the server log); \
                 rotate the secret"
                    .into(),
            ));
        }
    };
    Ok(Prepared::Send(Ready {
        url,
        secret,
        delivery_id: log.id.to_string(),
        body: delivery_body(&log, &incident),
    }))
}
