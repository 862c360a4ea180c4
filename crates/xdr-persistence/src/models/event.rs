use chrono::NaiveDateTime;
use diesel::prelude::*;
use xdr_domain::RepoError;
use xdr_domain::detection::EventFacts;
use xdr_domain::detection::NewEvent;
use xdr_domain::detection::event::Event;

use super::parse_stored;
use crate::db_time::DbTime;
use crate::schema::events;
use crate::time::from_db;

pub(crate) type EventColumns = (
    events::id,
    events::organization_id,
    events::agent_id,
    events::log_source_id,
    events::event_type,
    events::src_ip,
    events::dst_ip,
    events::dst_port,
    events::hostname,
    events::username,
    events::message,
    events::raw,
    events::occurred_at,
    events::received_at,
);
pub(crate) const EVENT_COLUMNS: EventColumns = (
    events::id,
    events::organization_id,
    events::agent_id,
    events::log_source_id,
    events::event_type,
    events::src_ip,
    events::dst_ip,
    events::dst_port,
    events::hostname,
    events::username,
    events::message,
    events::raw,
    events::occurred_at,
    events::received_at,
);

#[derive(Debug, Queryable, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub(crate) struct EventRow {
    pub id: String,
    pub organization_id: String,
    pub agent_id: Option<String>,
    pub log_source_id: Option<String>,
    pub event_type: String,
    pub src_ip: String,
    pub dst_ip: Option<String>,
    pub dst_port: Option<i32>,
    pub hostname: Option<String>,
    pub username: Option<String>,
    pub message: Option<String>,
    pub raw: Option<String>,
    pub occurred_at: DbTime,
    pub received_at: DbTime,
}

impl From<&NewEvent> for EventRow {
    fn from(e: &NewEvent) -> Self {
        Self {
            id: e.id.to_string(),
            organization_id: e.organization_id.to_string(),
            agent_id: None,
            log_source_id: None,
            event_type: e.event_type.clone(),
            src_ip: e.src_ip.to_string(),
            dst_ip: e.dst_ip.map(|ip| ip.to_string()),
            dst_port: e.dst_port.map(i32::from),
            hostname: e.hostname.clone(),
            username: e.username.clone(),
            message: e.message.clone(),
            raw: e.raw.clone(),
            occurred_at: e.occurred_at.into(),
            received_at: e.received_at.into(),
        }
    }
}

fn port(raw: Option<i32>) -> Result<Option<u16>, RepoError> {
    raw.map(|p| u16::try_from(p).map_err(|e| crate::error::corrupt("events.dst_port", e)))
        .transpose()
}

impl TryFrom<EventRow> for Event {
    type Error = RepoError;

    fn try_from(row: EventRow) -> Result<Self, RepoError> {
        Ok(Event {
            event: NewEvent {
                id: parse_stored(&row.id, "events.id")?,
                organization_id: parse_stored(&row.organization_id, "events.organization_id")?,
                event_type: row.event_type,
                src_ip: parse_stored(&row.src_ip, "events.src_ip")?,
                dst_ip: row
                    .dst_ip
                    .as_deref()
                    .map(|ip| parse_stored(ip, "events.dst_ip"))
                    .transpose()?,
                dst_port: port(row.dst_port)?,
                hostname: row.hostname,
                username: row.username,
                message: row.message,
                raw: row.raw,
                occurred_at: row.occurred_at.utc(),
                received_at: row.received_at.utc(),
            },
            agent_id: row.agent_id,
            log_source_id: row.log_source_id,
        })
    }
}

/// What detection reads of a stored event.
pub(crate) type FactColumns = (
    events::event_type,
    events::dst_port,
    events::username,
    events::occurred_at,
);
pub(crate) const FACT_COLUMNS: FactColumns = (
    events::event_type,
    events::dst_port,
    events::username,
    events::occurred_at,
);

pub(crate) fn facts(
    row: (String, Option<i32>, Option<String>, NaiveDateTime),
) -> Result<EventFacts, RepoError> {
    Ok(EventFacts {
        event_type: row.0,
        dst_port: port(row.1)?,
        username: row.2,
        occurred_at: from_db(row.3),
    })
}
