//! Splunk HTTP Event Collector bodies (`/services/collector/event` and `/raw`): split, each
//! record parsed by the format its sourcetype (else the log source's type) names, then the
//! common pipeline. A body that cannot be split is refused whole, as Splunk refuses it.

use xdr_domain::detection::parsers::{
    HecContext, HecError, parse_hec_event, parse_hec_raw_line, split_hec_events, split_hec_raw,
};
use xdr_domain::inventory::IngestSource;

use super::{IngestError, IngestReport, IngestService};

/// The query string HEC senders may add: defaults for records that name none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HecQuery {
    pub sourcetype: Option<String>,
    pub host: Option<String>,
}

fn refused(e: HecError) -> IngestError {
    match e {
        HecError::NoData => IngestError::NoData,
        HecError::InvalidFormat { index } => IngestError::InvalidFormat { index },
        HecError::TooManyEvents { max } => IngestError::TooManyEvents { max },
    }
}

impl IngestService {
    /// `/services/collector/event`: one or more JSON envelopes.
    pub async fn hec_events(
        &self,
        source: &IngestSource,
        body: &str,
        query: &HecQuery,
    ) -> Result<IngestReport, IngestError> {
        let envelopes =
            split_hec_events(body, self.config.max_events_per_request).map_err(refused)?;
        let context = HecContext {
            log_source: source.source_type,
            sourcetype: query.sourcetype.as_deref(),
            host: query.host.as_deref(),
            received_at: self.clock.now(),
        };
        let parsed = envelopes
            .into_iter()
            .map(|e| parse_hec_event(e, &context).map_err(|e| e.to_string()))
            .collect();
        self.store(source, parsed).await
    }

    /// `/services/collector/raw`: one record per line.
    pub async fn hec_raw(
        &self,
        source: &IngestSource,
        body: &str,
        query: &HecQuery,
    ) -> Result<IngestReport, IngestError> {
        let lines = split_hec_raw(body, self.config.max_events_per_request).map_err(refused)?;
        let context = HecContext {
            log_source: source.source_type,
            sourcetype: query.sourcetype.as_deref(),
            host: query.host.as_deref(),
            received_at: self.clock.now(),
        };
        let parsed = lines
            .into_iter()
            .map(|line| parse_hec_raw_line(line, &context).map_err(|e| e.to_string()))
            .collect();
        self.store(source, parsed).await
    }
}
