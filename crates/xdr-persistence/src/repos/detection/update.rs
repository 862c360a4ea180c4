//! An analyst's change to an incident, under the organization's lock: storage reads the
//! incident and whether the new assignee is a member, the domain decides (`Incident::apply`),
//! and only the columns an analyst owns are written (growth by ingest owns the counts and
//! scores), with the `incident.updated` entry.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::audit::NewAuditEntry;
use xdr_domain::detection::{ChangeRefused, IncidentChange, IncidentChangeOutcome};
use xdr_domain::ports::RepoResult;
use xdr_domain::{IncidentId, OrganizationId, UserId};

use super::ingest::lock_organization;
use super::queries::get_incident;
use crate::connection::AnyConnection;
use crate::db_time::DbTime;
use crate::error::DbResultExt;
use crate::repos::audit::append_in_tx;
use crate::schema::{incidents, users};

/// What an analyst's change writes.
#[derive(AsChangeset)]
#[diesel(table_name = incidents, treat_none_as_null = true)]
struct Triage {
    status: String,
    assignee_id: Option<String>,
    note: Option<String>,
    updated_at: DbTime,
}

pub(crate) fn update_incident(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: IncidentId,
    change: &IncidentChange,
    now: DateTime<Utc>,
    audit: &NewAuditEntry,
) -> RepoResult<IncidentChangeOutcome> {
    // Ingest holds this lock while it decides whether the incident is open and grows it.
    lock_organization(conn, org)?;
    let Some(mut incident) = get_incident(conn, org, id)? else {
        return Ok(IncidentChangeOutcome::NotFound);
    };
    let was = incident.status;
    let member = match change.new_assignee() {
        Some(user) => is_member(conn, org, user)?,
        None => false,
    };
    match incident.apply(change, member, now) {
        Err(ChangeRefused::InvalidTransition { from, to }) => {
            return Ok(IncidentChangeOutcome::InvalidTransition { from, to });
        }
        Err(ChangeRefused::UnknownAssignee) => return Ok(IncidentChangeOutcome::UnknownAssignee),
        Ok(()) => {}
    }
    diesel::update(incidents::table)
        .filter(incidents::organization_id.eq(org.to_string()))
        .filter(incidents::id.eq(id.to_string()))
        .set(Triage {
            status: incident.status.as_str().to_owned(),
            assignee_id: incident.assignee_id.map(|u| u.to_string()),
            note: incident.note.clone(),
            updated_at: incident.updated_at.into(),
        })
        .execute(conn)
        .repo()?;
    let entry = audit
        .clone()
        .resource(incident.id)
        .details(serde_json::json!({
            "status": {"from": was.as_str(), "to": incident.status.as_str()},
            "assignee_id": change.assignee_id.map(|a| a.map(|u| u.to_string())),
            "note_changed": change.note.is_some(),
        }));
    append_in_tx(conn, &entry, now)?;
    Ok(IncidentChangeOutcome::Updated(incident))
}

fn is_member(conn: &mut AnyConnection, org: OrganizationId, user: UserId) -> RepoResult<bool> {
    let n: i64 = users::table
        .filter(users::organization_id.eq(org.to_string()))
        .filter(users::id.eq(user.to_string()))
        .count()
        .get_result(conn)
        .repo()?;
    Ok(n > 0)
}
