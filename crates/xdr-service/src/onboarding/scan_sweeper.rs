//! The sweep for discovery scans no instance runs any more: each running scan is claimed by
//! its instance for a lease renewed with every progress write; one whose claim ran out (the
//! instance stopped or died) is interrupted by whichever instance sweeps first. Replaces the
//! start-up interruption of every active scan, which would have interrupted the scans of the
//! other instances on the same database.

use std::sync::Arc;
use std::time::Duration;

use xdr_auth::blocking;
use xdr_domain::{Clock, RepoError};

use super::OnboardingPorts;

/// Interrupts the scans no instance runs any more; [`ScanSweeper::spawn`] runs it every half
/// lease (a scan left by a dead instance is interrupted between one and one and a half leases
/// after its last progress write).
#[derive(Clone)]
pub struct ScanSweeper {
    ports: Arc<OnboardingPorts>,
    clock: Arc<dyn Clock>,
    lease: Duration,
}

impl std::fmt::Debug for ScanSweeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanSweeper")
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl ScanSweeper {
    pub(super) fn new(ports: Arc<OnboardingPorts>, clock: Arc<dyn Clock>, lease: Duration) -> Self {
        Self {
            ports,
            clock,
            lease,
        }
    }

    /// One sweep: the scans whose claim ran out, and those queued but never started for a
    /// whole lease. Returns how many were interrupted.
    pub async fn sweep(&self) -> Result<u64, RepoError> {
        let now = self.clock.now();
        let unclaimed_before = crate::lease::before(now, self.lease);
        let ports = Arc::clone(&self.ports);
        blocking::run(move || {
            ports
                .onboarding
                .interrupt_abandoned_scans(now, unclaimed_before)
        })
        .await
    }

    /// Sweeps now and then every half lease, in the background, until the task is aborted.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let every = (self.lease / 2).max(Duration::from_millis(500));
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                match self.sweep().await {
                    Ok(0) => {}
                    Ok(interrupted) => tracing::warn!(
                        interrupted,
                        "discovery scans whose instance stopped or died are now interrupted"
                    ),
                    Err(error) => {
                        tracing::error!(error = %error, "could not sweep abandoned discovery scans")
                    }
                }
            }
        })
    }
}
