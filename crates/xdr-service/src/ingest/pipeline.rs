//! The one path every agentless event takes: each record validated on its own (one bad record
//! never costs the rest), the valid ones stored and detected on in transactions of at most
//! `MAX_BATCH` events, the request's counts added to its log source's status in the same
//! transactions, and the containment policies run on what they opened or grew.

use std::sync::Arc;

use xdr_auth::blocking;
use xdr_domain::IncidentId;
use xdr_domain::detection::{EventInput, MAX_BATCH, validate_each};
use xdr_domain::inventory::{IngestSource, IngestTally};
use xdr_domain::telemetry::EventSource;
use xdr_domain::validation::FieldErrors;

use super::{IngestError, IngestService};
use crate::containment::apply_policies_after;

/// How many rejection reasons a report lists (the counts cover all of them).
const MAX_ERRORS: usize = 10;

/// What one request brought.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub received: usize,
    pub stored: usize,
    pub rejected: usize,
    /// The first rejections, `"event N: reason"` (N counts from 0 in the request).
    pub errors: Vec<String>,
    pub incidents_opened: Vec<IncidentId>,
    pub incidents_updated: Vec<IncidentId>,
}

/// `events[0].src_ip: is not an IP address` without the batch's prefix.
fn describe(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(field, problems)| {
            let field = field.split_once('.').map_or(field.as_str(), |(_, f)| f);
            format!("{field}: {}", problems.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl IngestService {
    /// Stores what parsed (`Ok`) and counts what did not (`Err` with the reason).
    pub(super) async fn store(
        &self,
        source: &IngestSource,
        parsed: Vec<Result<EventInput, String>>,
    ) -> Result<IngestReport, IngestError> {
        let now = self.clock.now();
        let org = source.organization_id;
        let received = parsed.len();
        let mut refusals: Vec<(usize, String)> = Vec::new();
        let mut inputs = Vec::with_capacity(received);
        let mut positions = Vec::with_capacity(received);
        for (i, record) in parsed.into_iter().enumerate() {
            match record {
                Ok(input) => {
                    inputs.push(input);
                    positions.push(i);
                }
                Err(reason) => refusals.push((i, reason)),
            }
        }
        let (valid, invalid) = validate_each(org, &inputs, now);
        for (k, errors) in invalid {
            refusals.push((positions.get(k).copied().unwrap_or(k), describe(&errors)));
        }
        refusals.sort_by_key(|(i, _)| *i);
        let errors: Vec<String> = refusals
            .iter()
            .map(|(i, reason)| format!("event {i}: {reason}"))
            .collect();
        let rejected = errors.len();
        let stored = valid.len();
        // At least one chunk (empty when nothing was valid), so that the counts are recorded.
        let mut chunks = Vec::new();
        let mut rest = valid;
        loop {
            let tail = rest.split_off(rest.len().min(MAX_BATCH));
            chunks.push(rest);
            if tail.is_empty() {
                break;
            }
            rest = tail;
        }
        // The refusals are counted with the first chunk.
        let mut refused = Some((rejected as u64, errors.last().cloned()));
        let (ports, source_owned) = (Arc::clone(&self.ports), source.clone());
        let (opened, updated) = blocking::run(move || {
            let (mut opened, mut updated) = (Vec::new(), Vec::new());
            for chunk in chunks {
                let size = chunk.len() as u64;
                let (rejected, last_error) = refused.take().unwrap_or_default();
                let tally = IngestTally {
                    received: size + rejected,
                    parsed: size,
                    rejected,
                    last_error,
                };
                let outcome = ports
                    .ingest
                    .ingest_from_source(&source_owned, chunk, &tally, now)?;
                ports.telemetry.ingested(EventSource::Hec, &outcome);
                apply_policies_after(
                    ports.detection.as_ref(),
                    ports.containment.as_ref(),
                    ports.executors.as_ref(),
                    org,
                    &outcome,
                    now,
                )?;
                opened.extend(outcome.incidents_opened);
                updated.extend(outcome.incidents_updated);
            }
            Ok((opened, updated))
        })
        .await?;
        self.ports
            .telemetry
            .events_rejected
            .add(EventSource::Hec, rejected as u64);
        Ok(IngestReport {
            received,
            stored,
            rejected,
            errors: errors.into_iter().take(MAX_ERRORS).collect(),
            incidents_opened: opened,
            incidents_updated: updated,
        })
    }
}
