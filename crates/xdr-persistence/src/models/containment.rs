use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::containment::{ActionLog, ActionStatus, ContainmentAction, ContainmentPolicy};

use super::parse_stored;
use crate::schema::{action_logs, containment_policies};
use crate::time::{from_db, to_db};

pub(crate) type PolicyColumns = (
    containment_policies::id,
    containment_policies::organization_id,
    containment_policies::name,
    containment_policies::enabled,
    containment_policies::min_risk_score,
    containment_policies::min_event_count,
    containment_policies::action,
    containment_policies::action_params,
    containment_policies::priority,
    containment_policies::created_at,
    containment_policies::updated_at,
);
pub(crate) const POLICY_COLUMNS: PolicyColumns = (
    containment_policies::id,
    containment_policies::organization_id,
    containment_policies::name,
    containment_policies::enabled,
    containment_policies::min_risk_score,
    containment_policies::min_event_count,
    containment_policies::action,
    containment_policies::action_params,
    containment_policies::priority,
    containment_policies::created_at,
    containment_policies::updated_at,
);

#[derive(Debug, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = containment_policies)]
pub(crate) struct PolicyRow {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub enabled: bool,
    pub min_risk_score: f64,
    pub min_event_count: i64,
    pub action: String,
    pub action_params: String,
    pub priority: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<&ContainmentPolicy> for PolicyRow {
    fn from(p: &ContainmentPolicy) -> Self {
        Self {
            id: p.id.to_string(),
            organization_id: p.organization_id.to_string(),
            name: p.name.clone(),
            enabled: p.enabled,
            min_risk_score: p.min_risk_score,
            min_event_count: p.min_event_count,
            action: p.action.as_str().to_owned(),
            action_params: p.action_params.clone(),
            priority: p.priority,
            created_at: to_db(p.created_at),
            updated_at: to_db(p.updated_at),
        }
    }
}

impl TryFrom<PolicyRow> for ContainmentPolicy {
    type Error = RepoError;

    fn try_from(r: PolicyRow) -> Result<Self, RepoError> {
        Ok(ContainmentPolicy {
            id: parse_stored(&r.id, "containment_policies.id")?,
            organization_id: parse_stored(
                &r.organization_id,
                "containment_policies.organization_id",
            )?,
            name: r.name,
            enabled: r.enabled,
            min_risk_score: r.min_risk_score,
            min_event_count: r.min_event_count,
            action: parse_stored::<ContainmentAction>(&r.action, "containment_policies.action")?,
            action_params: r.action_params,
            priority: r.priority,
            created_at: from_db(r.created_at),
            updated_at: from_db(r.updated_at),
        })
    }
}

pub(crate) type ActionColumns = (
    action_logs::id,
    action_logs::organization_id,
    action_logs::incident_id,
    action_logs::policy_id,
    action_logs::action,
    action_logs::params,
    action_logs::status,
    action_logs::executor,
    action_logs::result,
    action_logs::created_by,
    action_logs::created_at,
);
pub(crate) const ACTION_COLUMNS: ActionColumns = (
    action_logs::id,
    action_logs::organization_id,
    action_logs::incident_id,
    action_logs::policy_id,
    action_logs::action,
    action_logs::params,
    action_logs::status,
    action_logs::executor,
    action_logs::result,
    action_logs::created_by,
    action_logs::created_at,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = action_logs)]
pub(crate) struct ActionRow {
    pub id: String,
    pub organization_id: String,
    pub incident_id: String,
    pub policy_id: Option<String>,
    pub action: String,
    pub params: String,
    pub status: String,
    pub executor: String,
    pub result: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

impl From<&ActionLog> for ActionRow {
    fn from(a: &ActionLog) -> Self {
        Self {
            id: a.id.to_string(),
            organization_id: a.organization_id.to_string(),
            incident_id: a.incident_id.to_string(),
            policy_id: a.policy_id.map(|p| p.to_string()),
            action: a.action.as_str().to_owned(),
            params: a.params.clone(),
            status: a.status.as_str().to_owned(),
            executor: a.executor.clone(),
            result: a.result.clone(),
            created_by: a.created_by.map(|u| u.to_string()),
            created_at: to_db(a.created_at),
        }
    }
}

impl TryFrom<ActionRow> for ActionLog {
    type Error = RepoError;

    fn try_from(r: ActionRow) -> Result<Self, RepoError> {
        Ok(ActionLog {
            id: parse_stored(&r.id, "action_logs.id")?,
            organization_id: parse_stored(&r.organization_id, "action_logs.organization_id")?,
            incident_id: parse_stored(&r.incident_id, "action_logs.incident_id")?,
            policy_id: optional(r.policy_id, "action_logs.policy_id")?,
            action: parse_stored::<ContainmentAction>(&r.action, "action_logs.action")?,
            params: r.params,
            status: parse_stored::<ActionStatus>(&r.status, "action_logs.status")?,
            executor: r.executor,
            result: r.result,
            created_by: optional(r.created_by, "action_logs.created_by")?,
            created_at: from_db(r.created_at),
        })
    }
}

fn optional<T>(value: Option<String>, column: &str) -> Result<Option<T>, RepoError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    value
        .as_deref()
        .map(|s| parse_stored(s, column))
        .transpose()
}
