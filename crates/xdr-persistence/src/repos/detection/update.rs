//! An analyst's change to an incident: lifecycle, assignee, note.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use xdr_domain::detection::{IncidentChange, IncidentChangeOutcome};
use xdr_domain::ports::RepoResult;
use xdr_domain::{IncidentId, OrganizationId};

use super::queries::get_incident;
use crate::connection::AnyConnection;
use crate::error::DbResultExt;
use crate::models::IncidentRow;
use crate::schema::{incidents, users};

pub(crate) fn update_incident(
    conn: &mut AnyConnection,
    org: OrganizationId,
    id: IncidentId,
    change: &IncidentChange,
    now: DateTime<Utc>,
) -> RepoResult<IncidentChangeOutcome> {
    let Some(mut incident) = get_incident(conn, org, id)? else {
        return Ok(IncidentChangeOutcome::NotFound);
    };
    if let Some(to) = change.status
        && to != incident.status
    {
        if !incident.status.can_become(to) {
            return Ok(IncidentChangeOutcome::InvalidTransition {
                from: incident.status,
                to,
            });
        }
        incident.status = to;
    }
    if let Some(assignee) = change.assignee_id {
        if let Some(user) = assignee {
            let member: i64 = users::table
                .filter(users::organization_id.eq(org.to_string()))
                .filter(users::id.eq(user.to_string()))
                .count()
                .get_result(conn)
                .repo()?;
            if member == 0 {
                return Ok(IncidentChangeOutcome::UnknownAssignee);
            }
        }
        incident.assignee_id = assignee;
    }
    if let Some(note) = &change.note {
        incident.note = Some(note.clone());
    }
    incident.updated_at = now;
    diesel::update(incidents::table)
        .filter(incidents::organization_id.eq(org.to_string()))
        .filter(incidents::id.eq(id.to_string()))
        .set(&IncidentRow::from(&incident))
        .execute(conn)
        .repo()?;
    Ok(IncidentChangeOutcome::Updated(incident))
}
