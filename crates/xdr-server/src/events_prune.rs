//! Event retention (`events.retention_days`): the background sweep of `serve` and
//! `mini-xdr events prune` both delete through [`prune`], a small batch at a time.
//!
//! Each batch is one short transaction of its own (on SQLite it queues for the one writer like
//! an ingest does, so an ingest waits for at most one batch), with a pause between batches.
//! Incidents are left as they are: they keep their counts, times, status, notes and actions,
//! and their detail lists whichever of their source IP's events are still kept.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use xdr_auth::blocking;
use xdr_domain::ports::EventRetentionRepository;
use xdr_domain::{OrganizationId, RepoError};

use crate::cli::EventsPruneArgs;
use crate::config::Settings;
use crate::startup;

pub const RETENTION_NOT_CONFIGURED: &str = "events.retention_days is not set: events are kept forever and there is nothing to prune (give --older-than-days N, or set [events] retention_days or MINI_XDR__EVENTS__RETENTION_DAYS)";

/// `mini-xdr events prune`: applies `--older-than-days`, else `events.retention_days`, once;
/// returns the line to print (how many events were deleted, or would be with `--dry-run`).
pub async fn run(settings: &Settings, args: &EventsPruneArgs) -> Result<String, String> {
    let days = args
        .older_than_days
        .or(settings.events.retention_days)
        .ok_or_else(|| RETENTION_NOT_CONFIGURED.to_owned())?;
    let database = startup::open_database(settings, settings.server.run_migrations)
        .map_err(|e| e.to_string())?;
    let repo: Arc<dyn EventRetentionRepository> = Arc::new(database.detection());
    let before = crate::audit_prune::cutoff(Utc::now(), days);
    let at = before.to_rfc3339();
    if args.dry_run {
        let counts = count(repo, before)
            .await
            .map_err(|e| format!("event prune failed: {e}"))?;
        for (org, n) in &counts {
            tracing::info!(organization_id = %org, would_prune = n, "dry run: events past their retention");
        }
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        return Ok(format!(
            "dry run: {total} events received before {at} would be deleted ({} organizations)",
            counts.len()
        ));
    }
    let batches = Batches {
        size: args.batch_size.unwrap_or(settings.events.prune_batch_size),
        pause: settings.events.prune_pause(),
    };
    let summary = prune(repo, before, batches)
        .await
        .map_err(|e| format!("event prune failed: {e}"))?;
    Ok(format!(
        "deleted {} events received before {at} ({} organizations, {} batches, longest {:.1} ms, \
         {:.1} s in all)",
        summary.events,
        summary.organizations,
        summary.batches,
        summary.longest_batch.as_secs_f64() * 1000.0,
        summary.elapsed.as_secs_f64()
    ))
}

/// How [`prune`] paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batches {
    /// Events deleted per transaction.
    pub size: u32,
    /// Pause before each batch but the first.
    pub pause: Duration,
}

/// What one run of [`prune`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneSummary {
    pub organizations: usize,
    pub events: u64,
    pub batches: u64,
    /// The longest single batch: the most an ingest can have waited for it.
    pub longest_batch: Duration,
    /// The whole run, pauses included.
    pub elapsed: Duration,
}

/// Deletes every event received before `before`, organization by organization, in batches;
/// logs one line per organization that lost events and one at the end.
pub async fn prune(
    repo: Arc<dyn EventRetentionRepository>,
    before: DateTime<Utc>,
    batches: Batches,
) -> Result<PruneSummary, RepoError> {
    let started = Instant::now();
    let organizations = {
        let repo = Arc::clone(&repo);
        blocking::run(move || repo.organizations_with_events_before(before)).await?
    };
    let mut summary = PruneSummary {
        organizations: organizations.len(),
        ..PruneSummary::default()
    };
    for org in organizations {
        let pruned = prune_organization(&repo, org, before, batches, &mut summary).await?;
        tracing::info!(organization_id = %org, pruned, "events past their retention pruned");
    }
    summary.elapsed = started.elapsed();
    if summary.organizations > 0 {
        tracing::info!(
            before = %before.to_rfc3339(),
            organizations = summary.organizations,
            pruned = summary.events,
            batches = summary.batches,
            longest_batch_ms = summary.longest_batch.as_secs_f64() * 1000.0,
            elapsed_ms = summary.elapsed.as_secs_f64() * 1000.0,
            "event prune finished"
        );
    } else {
        tracing::debug!(before = %before.to_rfc3339(), "event prune: nothing past its retention");
    }
    Ok(summary)
}

async fn prune_organization(
    repo: &Arc<dyn EventRetentionRepository>,
    org: OrganizationId,
    before: DateTime<Utc>,
    batches: Batches,
    summary: &mut PruneSummary,
) -> Result<u64, RepoError> {
    let mut pruned = 0;
    let mut after = None;
    loop {
        if summary.batches > 0 && !batches.pause.is_zero() {
            actix_web::rt::time::sleep(batches.pause).await;
        }
        let started = Instant::now();
        let job = Arc::clone(repo);
        let batch =
            blocking::run(move || job.prune_events_before(org, before, after, batches.size))
                .await?;
        let took = started.elapsed();
        tracing::debug!(
            organization_id = %org,
            deleted = batch.deleted,
            batch_ms = took.as_secs_f64() * 1000.0,
            "event prune batch"
        );
        summary.longest_batch = summary.longest_batch.max(took);
        summary.batches += 1;
        summary.events += batch.deleted;
        pruned += batch.deleted;
        match batch.resume_after {
            Some(last) => after = Some(last),
            None => return Ok(pruned),
        }
    }
}

/// A dry run: how many events each organization would lose, deleting nothing.
pub async fn count(
    repo: Arc<dyn EventRetentionRepository>,
    before: DateTime<Utc>,
) -> Result<Vec<(OrganizationId, u64)>, RepoError> {
    blocking::run(move || {
        let organizations = repo.organizations_with_events_before(before)?;
        organizations
            .into_iter()
            .map(|org| Ok((org, repo.count_events_before(org, before)?)))
            .collect()
    })
    .await
}

#[cfg(test)]
#[path = "events_prune_tests.rs"]
mod tests;
