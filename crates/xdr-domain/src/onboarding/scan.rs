//! A discovery scan as stored and shown: its request, its progress and how it ended.

use chrono::{DateTime, Utc};

use crate::closed_set::closed_set;
use crate::ids::ScanId;

closed_set!(
    ScanStatus {
        Queued => "queued",
        Running => "running",
        Completed => "completed",
        Cancelled => "cancelled",
        Failed => "failed",
        Interrupted => "interrupted",
    }
);

impl ScanStatus {
    /// Queued and running scans hold the organization's one scan slot.
    pub fn is_active(self) -> bool {
        matches!(self, ScanStatus::Queued | ScanStatus::Running)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub id: ScanId,
    pub status: ScanStatus,
    /// The ranges as validated (CIDR text).
    pub network_ranges: Vec<String>,
    pub ports: Vec<u16>,
    /// The request's exclusions (the operator's are applied too, but not shown).
    pub exclude: Vec<String>,
    pub hosts_total: u64,
    pub hosts_scanned: u64,
    /// Hosts with at least one open port so far.
    pub found: u64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

/// Progress written while a scan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanCounts {
    pub hosts_scanned: u64,
    pub found: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_queued_and_running_are_active() {
        let active: Vec<ScanStatus> = ScanStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(active, vec![ScanStatus::Queued, ScanStatus::Running]);
    }
}
