//! Agentless ingest: ingest tokens of log sources, and the events they bring, stored and
//! detected on as `POST /events` does, each request counted in its log source's status.

mod status;
mod tokens;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::detection::NewEvent;
use xdr_domain::inventory::{IngestSource, IngestStatus, IngestTally, IngestToken};
use xdr_domain::ports::{IngestOutcome, IngestRepository, RepoResult};
use xdr_domain::{IngestTokenId, LogSourceId, OrganizationId};

use crate::database::{CrossTenant, Database};
use crate::repos::detection::ingest;

#[derive(Debug, Clone)]
pub struct SqlIngestRepository {
    db: Database,
}

impl SqlIngestRepository {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

impl IngestRepository for SqlIngestRepository {
    fn create_ingest_token(
        &self,
        org: OrganizationId,
        token: &IngestToken,
        token_hash: &str,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db
            .tenant_write(org, |c| tokens::create(c, org, token, token_hash, &audit))
    }

    fn list_ingest_tokens(
        &self,
        org: OrganizationId,
        source: LogSourceId,
    ) -> RepoResult<Option<Vec<IngestToken>>> {
        self.db.tenant(org, |c| tokens::list(c, org, source))
    }

    fn revoke_ingest_token(
        &self,
        org: OrganizationId,
        source: LogSourceId,
        token: IngestTokenId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool> {
        self.db
            .tenant_write(org, |c| tokens::revoke(c, org, source, token, now, &audit))
    }

    fn find_ingest_token(&self, token_hash: &str) -> RepoResult<Option<IngestSource>> {
        self.db.cross_tenant(CrossTenant::IngestByTokenHash, |c| {
            tokens::find(c, token_hash)
        })
    }

    fn ingest_from_source(
        &self,
        source: &IngestSource,
        events: Vec<NewEvent>,
        tally: &IngestTally,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome> {
        let org = source.organization_id;
        // Prepared before the write transaction, as `DetectionRepository::ingest` does.
        let batch = ingest::prepare_from_source(&events, source.log_source_id);
        self.db.tenant_write(org, |c| {
            // First, as for agent batches: the status row references the organization.
            ingest::lock_organization(c, org)?;
            let outcome = if events.is_empty() {
                IngestOutcome::default()
            } else {
                ingest::ingest_locked(c, org, &batch, now)?
            };
            status::add(c, org, source.log_source_id, tally, now)?;
            tokens::touch(c, org, source.token_id, now)?;
            Ok(outcome)
        })
    }

    fn ingest_statuses(
        &self,
        org: OrganizationId,
        sources: &[LogSourceId],
    ) -> RepoResult<BTreeMap<LogSourceId, IngestStatus>> {
        self.db.tenant(org, |c| status::of_sources(c, org, sources))
    }
}
