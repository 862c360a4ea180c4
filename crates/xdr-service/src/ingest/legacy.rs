//! The original system's `POST /ingest/multi`: `{source_type, hostname, events}` with its field
//! maps per source type, now only with an ingest token, through the same pipeline and limits.

use serde_json::Value;
use xdr_domain::FieldErrors;
use xdr_domain::detection::parsers::{LegacySourceType, parse_legacy_event};
use xdr_domain::inventory::IngestSource;

use super::{IngestError, IngestService};

/// A batch as the original system's forwarders send it.
#[derive(Debug, Clone, Default)]
pub struct LegacyBatch {
    pub source_type: String,
    pub hostname: Option<String>,
    pub events: Vec<Value>,
}

/// The original system's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyReport {
    pub source_type: String,
    pub hostname: Option<String>,
    pub total_events: usize,
    pub processed: usize,
    pub failed: usize,
    pub errors: Vec<String>,
    pub incidents_detected: usize,
}

impl IngestService {
    pub async fn ingest_multi(
        &self,
        source: &IngestSource,
        batch: LegacyBatch,
    ) -> Result<LegacyReport, IngestError> {
        let mut errors = FieldErrors::new();
        let source_type = errors.check(
            "source_type",
            batch.source_type.parse::<LegacySourceType>().map_err(|_| {
                format!(
                    "must be one of {}",
                    LegacySourceType::ALL
                        .map(LegacySourceType::as_str)
                        .join(", ")
                )
            }),
        );
        let max = self.config.max_events_per_request;
        if batch.events.len() > max {
            errors.add("events", format!("must hold at most {max} events"));
        }
        let Some(source_type) = source_type.filter(|_| errors.is_empty()) else {
            return Err(IngestError::Validation(errors));
        };
        let hostname = batch.hostname.as_deref();
        let parsed = batch
            .events
            .iter()
            .map(|e| parse_legacy_event(source_type, hostname, e).map_err(|e| e.to_string()))
            .collect();
        let report = self.store(source, parsed).await?;
        Ok(LegacyReport {
            source_type: source_type.as_str().to_owned(),
            hostname: batch.hostname,
            total_events: report.received,
            processed: report.stored,
            failed: report.rejected,
            errors: report.errors,
            incidents_detected: report.incidents_opened.len(),
        })
    }
}
