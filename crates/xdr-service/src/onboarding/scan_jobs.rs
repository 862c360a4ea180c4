//! Discovery scans running in this process: each a Tokio task that marks its scan running,
//! probes, writes progress every second (stopping when storage says the scan was cancelled),
//! and stores what it found, classified, when it ends. Starting and every progress write
//! claim the scan for this instance for the lease; a scan whose claim runs out (its instance
//! stopped or died) is interrupted by any instance's sweep ([`super::ScanSweeper`]).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, watch};
use xdr_auth::blocking;
use xdr_domain::onboarding::{Asset, ScanCounts, ScanPlan, ScanStatus, classify};
use xdr_domain::{AssetId, Clock, OrganizationId, RepoError, ScanId};

use super::OnboardingPorts;
use super::scanner::{HostFound, ScanEnd, ScanLimits, ScanProgress, scan};

const PROGRESS_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct ScanJobs {
    probes: Arc<Semaphore>,
    running: Arc<Mutex<HashMap<ScanId, watch::Sender<bool>>>>,
}

/// What one job needs.
pub(super) struct Job {
    pub ports: Arc<OnboardingPorts>,
    pub clock: Arc<dyn Clock>,
    pub org: OrganizationId,
    pub id: ScanId,
    pub plan: ScanPlan,
    pub limits: ScanLimits,
    pub lease: Duration,
}

impl Job {
    /// The claim made now: the lease from the clock's now.
    fn claim(&self) -> DateTime<Utc> {
        crate::lease::after(self.clock.now(), self.lease)
    }
}

impl ScanJobs {
    pub(super) fn new(probes: Arc<Semaphore>) -> Self {
        Self {
            probes,
            running: Arc::default(),
        }
    }

    pub(super) fn spawn(&self, job: Job) {
        let (cancel, cancelled) = watch::channel(false);
        let id = job.id;
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, cancel);
        let running = Arc::clone(&self.running);
        let probes = Arc::clone(&self.probes);
        tokio::spawn(async move {
            run(job, probes, cancelled).await;
            running
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
        });
    }

    /// Stops the scan's probes if it runs here (another instance's scan stops at its next
    /// progress write, which finds it cancelled).
    pub(super) fn cancel(&self, id: ScanId) {
        if let Some(cancel) = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            let _ = cancel.send(true);
        }
    }

    /// Scans running in this process now.
    pub fn running(&self) -> usize {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

fn counts(progress: &ScanProgress) -> ScanCounts {
    ScanCounts {
        hosts_scanned: progress.hosts_scanned.load(Ordering::Relaxed),
        found: progress.found.load(Ordering::Relaxed),
    }
}

fn assets(job: &Job, hosts: &[HostFound]) -> Vec<Asset> {
    let now = job.clock.now();
    hosts
        .iter()
        .map(|host| {
            let c = classify(&host.services);
            Asset {
                id: AssetId::generate(),
                ip: host.ip,
                hostname: None,
                os: c.os,
                os_confidence: c.os_confidence,
                role: c.role,
                priority: c.priority,
                services: host.services.clone(),
                agent_id: None,
                first_seen_at: now,
                last_seen_at: now,
                scan_id: job.id,
            }
        })
        .collect()
}

async fn progress_write(
    job: &Job,
    counts: ScanCounts,
    found: Vec<Asset>,
) -> Result<bool, RepoError> {
    let (ports, org, id, until) = (Arc::clone(&job.ports), job.org, job.id, job.claim());
    blocking::run(move || {
        ports
            .onboarding
            .record_scan_progress(org, id, counts, &found, until)
    })
    .await
}

async fn finish(job: &Job, status: ScanStatus, error: Option<String>) -> Result<bool, RepoError> {
    let (ports, org, id, now) = (Arc::clone(&job.ports), job.org, job.id, job.clock.now());
    blocking::run(move || {
        ports
            .onboarding
            .finish_scan(org, id, status, error.as_deref(), now)
    })
    .await
}

async fn run(job: Job, probes: Arc<Semaphore>, cancelled: watch::Receiver<bool>) {
    let (org, id) = (job.org, job.id);
    if let Err(e) = run_inner(&job, probes, cancelled).await {
        tracing::error!(organization_id = %org, scan_id = %id, error = %e, "discovery scan failed");
        if let Err(e) = finish(&job, ScanStatus::Failed, Some("storage error".into())).await {
            tracing::error!(scan_id = %id, error = %e, "could not mark the scan failed");
        }
    }
}

async fn run_inner(
    job: &Job,
    probes: Arc<Semaphore>,
    cancelled: watch::Receiver<bool>,
) -> Result<(), RepoError> {
    let (ports, org, id, now) = (Arc::clone(&job.ports), job.org, job.id, job.clock.now());
    let until = crate::lease::after(now, job.lease);
    if !blocking::run(move || ports.onboarding.start_scan(org, id, now, until)).await? {
        return Ok(());
    }
    tracing::info!(organization_id = %org, scan_id = %id, "discovery scan started");
    let progress = ScanProgress::default();
    let (stop, stopped) = watch::channel(false);
    let mut forward = cancelled.clone();
    let probing = scan(&job.plan, job.limits, probes, stopped, &progress);
    tokio::pin!(probing);
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    tick.tick().await;
    let outcome = loop {
        tokio::select! {
            outcome = &mut probing => break outcome,
            Ok(()) = forward.changed() => { let _ = stop.send(*forward.borrow()); }
            _ = tick.tick() => {
                if !progress_write(job, counts(&progress), Vec::new()).await? {
                    let _ = stop.send(true);
                }
            }
        }
    };
    let found = assets(job, &outcome.hosts);
    let still_running = progress_write(job, counts(&progress), found).await?;
    let end = match (outcome.end, still_running) {
        (_, false) | (ScanEnd::Cancelled, _) => None,
        (ScanEnd::Completed, true) => Some((ScanStatus::Completed, None)),
        (ScanEnd::OutOfTime, true) => Some((
            ScanStatus::Failed,
            Some(format!(
                "stopped after its time budget of {} s; the hosts found so far are kept",
                job.limits.budget.as_secs()
            )),
        )),
    };
    if let Some((status, error)) = end {
        finish(job, status, error).await?;
        tracing::info!(
            organization_id = %org, scan_id = %id, status = %status.as_str(),
            found = outcome.hosts.len(), "discovery scan ended"
        );
    }
    Ok(())
}
