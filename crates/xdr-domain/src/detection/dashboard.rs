//! The dashboard summary, computed by storage with aggregate queries.

use super::severity::Severity;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardSummary {
    /// Open incidents per severity.
    pub open_by_severity: Vec<(Severity, u64)>,
    pub events_last_24h: u64,
    pub active_agents: u64,
    /// Source IPs with the most events in the last 24 hours, most first.
    pub top_source_ips: Vec<(String, u64)>,
}

/// How many source IPs the dashboard lists.
pub const TOP_SOURCE_IPS: usize = 10;
