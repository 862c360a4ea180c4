//! `mini-xdr audit prune`: applies `audit.retention_days` to every organization's audit log.
//!
//! Each organization loses the oldest prefix of its chain (entries created before the cutoff)
//! and keeps, as its anchor, the position and hash of the last entry removed, so that
//! `GET /audit-logs/verify` still checks every remaining link.

use chrono::{DateTime, Duration, Utc};
use xdr_domain::audit::PruneReport;
use xdr_domain::ports::AuditLogRepository;

use crate::config::Settings;
use crate::startup;

pub const RETENTION_NOT_CONFIGURED: &str = "audit.retention_days is not set: the audit log is kept forever and there is nothing to prune (set [audit] retention_days or MINI_XDR__AUDIT__RETENTION_DAYS)";

/// The instant before which entries go.
pub fn cutoff(now: DateTime<Utc>, retention_days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(retention_days))
}

/// Prunes and logs one line per organization; refuses when retention is not configured.
pub fn run(settings: &Settings) -> Result<(), String> {
    let days = settings
        .audit
        .retention_days
        .ok_or_else(|| RETENTION_NOT_CONFIGURED.to_owned())?;
    let database = startup::open_database(settings, settings.server.run_migrations)
        .map_err(|e| e.to_string())?;
    let now = Utc::now();
    let before = cutoff(now, days);
    let reports = database
        .audit()
        .prune(before, now)
        .map_err(|e| format!("audit prune failed: {e}"))?;
    report(&reports, before);
    Ok(())
}

fn report(reports: &[PruneReport], before: DateTime<Utc>) {
    for r in reports {
        tracing::info!(
            organization_id = %r.organization_id,
            pruned = r.pruned,
            anchor_seq = r.anchor_seq,
            anchor_hash = %r.anchor_hash,
            "audit entries pruned; the chain is anchored at the last pruned entry"
        );
    }
    let total: u64 = reports.iter().map(|r| r.pruned).sum();
    tracing::info!(
        before = %before.to_rfc3339(),
        organizations = reports.len(),
        pruned = total,
        "audit prune finished"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoff_is_whole_days_back() {
        let now = Utc::now();
        assert_eq!(cutoff(now, 30), now - Duration::days(30));
    }
}
