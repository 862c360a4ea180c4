//! `discovery_scans`: a scan's request (JSON arrays), progress and end.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use xdr_domain::RepoError;
use xdr_domain::onboarding::{Scan, ScanStatus};

use super::{count_from_db, count_to_db, json_array, parse_array};
use crate::error::corrupt;
use crate::models::parse_stored;
use crate::schema::discovery_scans;
use crate::time::{from_db, to_db};

pub(crate) type ScanColumns = (
    discovery_scans::id,
    discovery_scans::organization_id,
    discovery_scans::status,
    discovery_scans::network_ranges,
    discovery_scans::ports,
    discovery_scans::exclude,
    discovery_scans::hosts_total,
    discovery_scans::hosts_scanned,
    discovery_scans::found,
    discovery_scans::created_at,
    discovery_scans::started_at,
    discovery_scans::finished_at,
    discovery_scans::error,
);
pub(crate) const SCAN_COLUMNS: ScanColumns = (
    discovery_scans::id,
    discovery_scans::organization_id,
    discovery_scans::status,
    discovery_scans::network_ranges,
    discovery_scans::ports,
    discovery_scans::exclude,
    discovery_scans::hosts_total,
    discovery_scans::hosts_scanned,
    discovery_scans::found,
    discovery_scans::created_at,
    discovery_scans::started_at,
    discovery_scans::finished_at,
    discovery_scans::error,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = discovery_scans)]
pub(crate) struct ScanRow {
    pub id: String,
    pub organization_id: String,
    pub status: String,
    pub network_ranges: String,
    pub ports: String,
    pub exclude: String,
    pub hosts_total: i64,
    pub hosts_scanned: i64,
    pub found: i64,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub error: Option<String>,
}

impl ScanRow {
    pub(crate) fn new(organization_id: String, s: &Scan) -> Self {
        Self {
            id: s.id.to_string(),
            organization_id,
            status: s.status.as_str().to_owned(),
            network_ranges: json_array(s.network_ranges.iter().cloned()),
            ports: json_array(s.ports.iter().copied()),
            exclude: json_array(s.exclude.iter().cloned()),
            hosts_total: count_to_db(s.hosts_total),
            hosts_scanned: count_to_db(s.hosts_scanned),
            found: count_to_db(s.found),
            created_at: to_db(s.created_at),
            started_at: s.started_at.map(to_db),
            finished_at: s.finished_at.map(to_db),
            error: s.error.clone(),
        }
    }
}

fn strings(raw: &str, column: &str) -> Result<Vec<String>, RepoError> {
    parse_array(raw, column)?
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            other => Err(corrupt(column, format!("not a string: {other}"))),
        })
        .collect()
}

fn ports(raw: &str) -> Result<Vec<u16>, RepoError> {
    const COLUMN: &str = "discovery_scans.ports";
    parse_array(raw, COLUMN)?
        .into_iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| corrupt(COLUMN, format!("not a port: {v}")))
        })
        .collect()
}

impl TryFrom<ScanRow> for Scan {
    type Error = RepoError;

    fn try_from(r: ScanRow) -> Result<Self, RepoError> {
        Ok(Scan {
            id: parse_stored(&r.id, "discovery_scans.id")?,
            status: parse_stored::<ScanStatus>(&r.status, "discovery_scans.status")?,
            network_ranges: strings(&r.network_ranges, "discovery_scans.network_ranges")?,
            ports: ports(&r.ports)?,
            exclude: strings(&r.exclude, "discovery_scans.exclude")?,
            hosts_total: count_from_db(r.hosts_total, "discovery_scans.hosts_total")?,
            hosts_scanned: count_from_db(r.hosts_scanned, "discovery_scans.hosts_scanned")?,
            found: count_from_db(r.found, "discovery_scans.found")?,
            created_at: from_db(r.created_at),
            started_at: r.started_at.map(from_db),
            finished_at: r.finished_at.map(from_db),
            error: r.error,
        })
    }
}
