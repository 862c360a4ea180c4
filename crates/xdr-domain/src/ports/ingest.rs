//! Agentless ingest: ingest tokens of log sources, and events those tokens bring.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::NewAuditEntry;
use crate::detection::NewEvent;
use crate::ids::{IngestTokenId, LogSourceId, OrganizationId};
use crate::inventory::{IngestSource, IngestStatus, IngestTally, IngestToken};

use super::{IngestOutcome, RepoResult};

/// Ingest tokens are kept as the hash of their secret. A token or log source of another
/// organization is reported exactly like a missing one.
pub trait IngestRepository: Send + Sync {
    /// Stores `token` (hash `token_hash`) with its audit entry; `false`, nothing written, when
    /// `org` has no log source `token.log_source_id`.
    fn create_ingest_token(
        &self,
        org: OrganizationId,
        token: &IngestToken,
        token_hash: &str,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;
    /// The log source's tokens, newest first; `None` when `org` has no such log source.
    fn list_ingest_tokens(
        &self,
        org: OrganizationId,
        source: LogSourceId,
    ) -> RepoResult<Option<Vec<IngestToken>>>;
    /// Revokes a token not yet revoked, with its audit entry; `false` when there is no such
    /// token of that log source (or it was revoked before).
    fn revoke_ingest_token(
        &self,
        org: OrganizationId,
        source: LogSourceId,
        token: IngestTokenId,
        now: DateTime<Utc>,
        audit: NewAuditEntry,
    ) -> RepoResult<bool>;
    /// Across organizations (the presented secret is all a request has): the token whose
    /// hash is `token_hash`, with its log source.
    fn find_ingest_token(&self, token_hash: &str) -> RepoResult<Option<IngestSource>>;
    /// In one transaction under the organization's ingest lock: stores `events` tagged with
    /// the log source (and runs detection on them, as `DetectionRepository::ingest` does),
    /// adds `tally` to the log source's status and marks the token used. `events` may be
    /// empty (every record was refused): the tally is still counted.
    fn ingest_from_source(
        &self,
        source: &IngestSource,
        events: Vec<NewEvent>,
        tally: &IngestTally,
        now: DateTime<Utc>,
    ) -> RepoResult<IngestOutcome>;
    /// The ingest status of each of `sources` that has received anything.
    fn ingest_statuses(
        &self,
        org: OrganizationId,
        sources: &[LogSourceId],
    ) -> RepoResult<BTreeMap<LogSourceId, IngestStatus>>;
}
