use std::sync::Arc;

use xdr_domain::PageRequest;
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{EventFilter, EventInput, validate_batch};
use xdr_domain::identity::Role;
use xdr_domain::ports::IngestOutcome;
use xdr_domain::telemetry::EventSource;

use super::{DetectionError, DetectionService};
use crate::access::require;
use crate::containment::apply_policies_after;
use xdr_auth::Principal;
use xdr_auth::blocking;

impl DetectionService {
    /// Validates the whole batch (one bad event rejects it), stores it and runs detection in
    /// one transaction, then lets the containment policies act on what it opened or grew;
    /// returns only after both.
    pub async fn ingest(
        &self,
        principal: &Principal,
        inputs: &[EventInput],
    ) -> Result<IngestOutcome, DetectionError> {
        require(principal, Role::Analyst)?;
        let now = self.clock.now();
        let org = principal.organization_id;
        let events = validate_batch(org, inputs, now).map_err(|errors| {
            self.telemetry
                .events_rejected
                .add(EventSource::Api, inputs.len() as u64);
            DetectionError::Validation(errors)
        })?;
        let (repo, containment, executors) = (
            Arc::clone(&self.repo),
            Arc::clone(&self.containment),
            Arc::clone(&self.executors),
        );
        let outcome = blocking::run(move || {
            let outcome = repo.ingest(org, events, now)?;
            // The events are committed; containment runs on what they opened or grew. A webhook
            // delivery is only queued here: the request never waits on the network.
            apply_policies_after(
                repo.as_ref(),
                containment.as_ref(),
                executors.as_ref(),
                org,
                &outcome,
                now,
            )?;
            Ok(outcome)
        })
        .await?;
        self.telemetry.ingested(EventSource::Api, &outcome);
        Ok(outcome)
    }

    pub async fn list_events(
        &self,
        principal: &Principal,
        filter: EventFilter,
        page: PageRequest,
    ) -> Result<Vec<Event>, DetectionError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        Ok(blocking::run(move || repo.list_events(org, &filter, &page)).await?)
    }
}
