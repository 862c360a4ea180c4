//! `assets`: one per IP and organization; `services` is a JSON array of `{port, banner}`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};
use xdr_domain::onboarding::{Asset, AssetOs, AssetPriority, AssetRole, ObservedService};
use xdr_domain::{RepoError, ScanId};

use super::parse_array;
use crate::error::corrupt;
use crate::models::parse_stored;
use crate::schema::assets;
use crate::time::{from_db, to_db};

pub(crate) type AssetColumns = (
    assets::id,
    assets::organization_id,
    assets::ip,
    assets::hostname,
    assets::os,
    assets::os_confidence,
    assets::role,
    assets::priority,
    assets::services,
    assets::agent_id,
    assets::scan_id,
    assets::first_seen_at,
    assets::last_seen_at,
);
pub(crate) const ASSET_COLUMNS: AssetColumns = (
    assets::id,
    assets::organization_id,
    assets::ip,
    assets::hostname,
    assets::os,
    assets::os_confidence,
    assets::role,
    assets::priority,
    assets::services,
    assets::agent_id,
    assets::scan_id,
    assets::first_seen_at,
    assets::last_seen_at,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = assets)]
pub(crate) struct AssetRow {
    pub id: String,
    pub organization_id: String,
    pub ip: String,
    pub hostname: Option<String>,
    pub os: String,
    pub os_confidence: f64,
    pub role: String,
    pub priority: String,
    pub services: String,
    pub agent_id: Option<String>,
    pub scan_id: String,
    pub first_seen_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

impl AssetRow {
    /// The row of `a` as found by `scan` (whatever scan `a` names).
    pub(crate) fn new(organization_id: String, a: &Asset, scan: ScanId) -> Self {
        let services: Vec<Value> = a
            .services
            .iter()
            .map(|s| json!({"port": s.port, "banner": s.banner}))
            .collect();
        Self {
            id: a.id.to_string(),
            organization_id,
            ip: a.ip.to_string(),
            hostname: a.hostname.clone(),
            os: a.os.as_str().to_owned(),
            os_confidence: a.os_confidence,
            role: a.role.as_str().to_owned(),
            priority: a.priority.as_str().to_owned(),
            services: Value::Array(services).to_string(),
            agent_id: a.agent_id.map(|id| id.to_string()),
            scan_id: scan.to_string(),
            first_seen_at: to_db(a.first_seen_at),
            last_seen_at: to_db(a.last_seen_at),
        }
    }
}

fn service(v: &Value) -> Option<ObservedService> {
    let port = u16::try_from(v.get("port")?.as_u64()?).ok()?;
    let banner = match v.get("banner") {
        None | Some(Value::Null) => None,
        Some(Value::String(b)) => Some(b.clone()),
        Some(_) => return None,
    };
    Some(ObservedService { port, banner })
}

fn services(raw: &str) -> Result<Vec<ObservedService>, RepoError> {
    const COLUMN: &str = "assets.services";
    parse_array(raw, COLUMN)?
        .iter()
        .map(|v| service(v).ok_or_else(|| corrupt(COLUMN, format!("not a service: {v}"))))
        .collect()
}

impl TryFrom<AssetRow> for Asset {
    type Error = RepoError;

    fn try_from(r: AssetRow) -> Result<Self, RepoError> {
        Ok(Asset {
            id: parse_stored(&r.id, "assets.id")?,
            ip: parse_stored(&r.ip, "assets.ip")?,
            hostname: r.hostname,
            os: parse_stored::<AssetOs>(&r.os, "assets.os")?,
            os_confidence: r.os_confidence,
            role: parse_stored::<AssetRole>(&r.role, "assets.role")?,
            priority: parse_stored::<AssetPriority>(&r.priority, "assets.priority")?,
            services: services(&r.services)?,
            agent_id: r
                .agent_id
                .as_deref()
                .map(|id| parse_stored(id, "assets.agent_id"))
                .transpose()?,
            first_seen_at: from_db(r.first_seen_at),
            last_seen_at: from_db(r.last_seen_at),
            scan_id: parse_stored(&r.scan_id, "assets.scan_id")?,
        })
    }
}
