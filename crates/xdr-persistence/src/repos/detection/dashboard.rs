//! The dashboard summary with aggregate queries (no rows loaded into memory).

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use xdr_domain::detection::{
    DashboardSummary, IncidentStatus, Severity, TOP_SOURCE_IPS, chart_hours,
};
use xdr_domain::ports::RepoResult;
use xdr_domain::{EventId, OrganizationId};

use crate::connection::AnyConnection;
use crate::error::{DbResultExt, corrupt};
use crate::schema::{agents, events, incidents};
use crate::time::to_db;

const DAY_HOURS: i64 = 24;

fn unsigned(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(crate) fn summary(
    conn: &mut AnyConnection,
    org: OrganizationId,
    now: DateTime<Utc>,
) -> RepoResult<DashboardSummary> {
    let by_severity: Vec<(String, i64)> = incidents::table
        .filter(incidents::organization_id.eq(org.to_string()))
        .filter(incidents::status.eq(IncidentStatus::Open.as_str()))
        .group_by(incidents::severity)
        .select((incidents::severity, count_star()))
        .load(conn)
        .repo()?;
    let mut open_by_severity: Vec<(Severity, u64)> =
        Severity::ALL.into_iter().map(|s| (s, 0)).collect();
    for (name, n) in by_severity {
        let severity: Severity = name.parse().map_err(|e| corrupt("incidents.severity", e))?;
        if let Some(slot) = open_by_severity.iter_mut().find(|(s, _)| *s == severity) {
            slot.1 = unsigned(n);
        }
    }
    let since = now - Duration::hours(DAY_HOURS);
    // Event ids are made from the reception time, so the id range bounds the scan through the
    // (organization_id, id) index; the reception time itself then decides at the boundary.
    let first_id = EventId::first_received_at(since).to_string();
    let since = to_db(since);
    let recent = || {
        events::table
            .filter(events::organization_id.eq(org.to_string()))
            .filter(events::id.ge(first_id.clone()))
            .filter(events::received_at.ge(since))
    };
    let events_last_24h: i64 = recent().count().get_result(conn).repo()?;
    let top: Vec<(String, i64)> = recent()
        .group_by(events::src_ip)
        .select((events::src_ip, count_star()))
        .order((count_star().desc(), events::src_ip.asc()))
        .limit(i64::try_from(TOP_SOURCE_IPS).unwrap_or(10))
        .load(conn)
        .repo()?;
    // Active as `GET /agents` shows it with the default window: a heartbeat in the last
    // `DEFAULT_DISCONNECT_AFTER_SECONDS`.
    let window = Duration::seconds(xdr_domain::agents::DEFAULT_DISCONNECT_AFTER_SECONDS);
    let active_agents: i64 = agents::table
        .filter(agents::organization_id.eq(org.to_string()))
        .filter(agents::state.eq(xdr_domain::agents::AgentState::Active.as_str()))
        .filter(agents::last_seen_at.ge(to_db(now - window)))
        .count()
        .get_result(conn)
        .repo()?;
    Ok(DashboardSummary {
        open_by_severity,
        events_last_24h: unsigned(events_last_24h),
        active_agents: unsigned(active_agents),
        top_source_ips: top.into_iter().map(|(ip, n)| (ip, unsigned(n))).collect(),
        events_per_hour: per_hour(conn, org, now)?,
    })
}

/// One count per chart hour, each bounded by the id range of its hour (ids are made from the
/// reception time) so that every count is a range scan of the (organization_id, id) index.
fn per_hour(
    conn: &mut AnyConnection,
    org: OrganizationId,
    now: DateTime<Utc>,
) -> RepoResult<Vec<(DateTime<Utc>, u64)>> {
    let mut counts = Vec::new();
    for start in chart_hours(now) {
        let end = start + Duration::hours(1);
        let n: i64 = events::table
            .filter(events::organization_id.eq(org.to_string()))
            .filter(events::id.ge(EventId::first_received_at(start).to_string()))
            .filter(events::id.lt(EventId::first_received_at(end).to_string()))
            .filter(events::received_at.ge(to_db(start)))
            .filter(events::received_at.lt(to_db(end)))
            .count()
            .get_result(conn)
            .repo()?;
        counts.push((start, unsigned(n)));
    }
    Ok(counts)
}
