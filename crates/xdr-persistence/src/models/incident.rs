use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::detection::{Incident, IncidentStatus, RuleKind, Severity};

use super::parse_stored;
use crate::db_time::DbTime;
use crate::schema::incidents;

pub(crate) type IncidentColumns = (
    incidents::id,
    incidents::organization_id,
    incidents::rule,
    incidents::title,
    incidents::src_ip,
    incidents::severity,
    incidents::risk_score,
    incidents::status,
    incidents::event_count,
    incidents::first_seen_at,
    incidents::last_seen_at,
    incidents::assignee_id,
    incidents::note,
    incidents::created_at,
    incidents::updated_at,
);
pub(crate) const INCIDENT_COLUMNS: IncidentColumns = (
    incidents::id,
    incidents::organization_id,
    incidents::rule,
    incidents::title,
    incidents::src_ip,
    incidents::severity,
    incidents::risk_score,
    incidents::status,
    incidents::event_count,
    incidents::first_seen_at,
    incidents::last_seen_at,
    incidents::assignee_id,
    incidents::note,
    incidents::created_at,
    incidents::updated_at,
);

#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(
    table_name = incidents,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub(crate) struct IncidentRow {
    pub id: String,
    pub organization_id: String,
    pub rule: String,
    pub title: String,
    pub src_ip: String,
    pub severity: String,
    pub risk_score: f64,
    pub status: String,
    pub event_count: i64,
    pub first_seen_at: DbTime,
    pub last_seen_at: DbTime,
    pub assignee_id: Option<String>,
    pub note: Option<String>,
    pub created_at: DbTime,
    pub updated_at: DbTime,
}

impl From<&Incident> for IncidentRow {
    fn from(i: &Incident) -> Self {
        Self {
            id: i.id.to_string(),
            organization_id: i.organization_id.to_string(),
            rule: i.rule.as_str().to_owned(),
            title: i.title.clone(),
            src_ip: i.src_ip.to_string(),
            severity: i.severity.as_str().to_owned(),
            risk_score: i.risk_score,
            status: i.status.as_str().to_owned(),
            event_count: i.event_count,
            first_seen_at: i.first_seen_at.into(),
            last_seen_at: i.last_seen_at.into(),
            assignee_id: i.assignee_id.map(|u| u.to_string()),
            note: i.note.clone(),
            created_at: i.created_at.into(),
            updated_at: i.updated_at.into(),
        }
    }
}

impl TryFrom<IncidentRow> for Incident {
    type Error = RepoError;

    fn try_from(row: IncidentRow) -> Result<Self, RepoError> {
        Ok(Incident {
            id: parse_stored(&row.id, "incidents.id")?,
            organization_id: parse_stored(&row.organization_id, "incidents.organization_id")?,
            rule: parse_stored::<RuleKind>(&row.rule, "incidents.rule")?,
            title: row.title,
            src_ip: parse_stored(&row.src_ip, "incidents.src_ip")?,
            severity: parse_stored::<Severity>(&row.severity, "incidents.severity")?,
            risk_score: row.risk_score,
            status: parse_stored::<IncidentStatus>(&row.status, "incidents.status")?,
            event_count: row.event_count,
            first_seen_at: row.first_seen_at.utc(),
            last_seen_at: row.last_seen_at.utc(),
            assignee_id: row
                .assignee_id
                .as_deref()
                .map(|u| parse_stored(u, "incidents.assignee_id"))
                .transpose()?,
            note: row.note,
            created_at: row.created_at.utc(),
            updated_at: row.updated_at.utc(),
        })
    }
}
