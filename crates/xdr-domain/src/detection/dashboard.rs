//! The dashboard summary, computed by storage with aggregate queries.

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::severity::Severity;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardSummary {
    /// Open incidents per severity.
    pub open_by_severity: Vec<(Severity, u64)>,
    pub events_last_24h: u64,
    pub active_agents: u64,
    /// Source IPs with the most events in the last 24 hours, most first.
    pub top_source_ips: Vec<(String, u64)>,
    /// Events received per hour: [`CHART_HOURS`] whole hours, oldest first, the last one
    /// being the current (partial) hour.
    pub events_per_hour: Vec<(DateTime<Utc>, u64)>,
}

/// How many hours the dashboard's events chart shows.
pub const CHART_HOURS: i64 = 24;

/// The start of every hour the events chart shows at `now`, oldest first.
pub fn chart_hours(now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let current = now.duration_trunc(Duration::hours(1)).unwrap_or(now);
    (0..CHART_HOURS)
        .rev()
        .map(|back| current - Duration::hours(back))
        .collect()
}

/// How many source IPs the dashboard lists.
pub const TOP_SOURCE_IPS: usize = 10;

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn chart_hours_end_with_the_current_hour() {
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 10, 37, 12).unwrap();
        let hours = chart_hours(now);
        assert_eq!(hours.len(), 24);
        assert_eq!(
            hours[23],
            Utc.with_ymd_and_hms(2026, 12, 4, 10, 0, 0).unwrap()
        );
        assert_eq!(
            hours[0],
            Utc.with_ymd_and_hms(2026, 12, 3, 11, 0, 0).unwrap()
        );
        assert!(hours.windows(2).all(|w| w[1] - w[0] == Duration::hours(1)));
    }
}
