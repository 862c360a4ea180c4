use std::sync::Arc;

use xdr_domain::containment::ActionLog;
use xdr_domain::detection::event::Event;
use xdr_domain::detection::{
    DashboardSummary, Incident, IncidentChange, IncidentChangeOutcome, IncidentFilter,
};
use xdr_domain::identity::Role;
use xdr_domain::{FieldErrors, IncidentId, PageRequest};

use super::{DetectionError, DetectionService, INCIDENT_DETAIL_EVENTS};
use crate::access::require;
use xdr_auth::blocking;
use xdr_auth::{ClientInfo, Principal, audit_trail};
use xdr_domain::audit::AuditAction;

/// An incident with its latest events.
#[derive(Debug)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub events: Vec<Event>,
    pub actions: Vec<ActionLog>,
}

const MAX_NOTE_CHARS: usize = 4000;
const RESOURCE_INCIDENT: &str = "incident";

impl DetectionService {
    pub async fn list_incidents(
        &self,
        principal: &Principal,
        filter: IncidentFilter,
        page: PageRequest,
    ) -> Result<Vec<Incident>, DetectionError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let org = principal.organization_id;
        Ok(blocking::run(move || repo.list_incidents(org, &filter, &page)).await?)
    }

    pub async fn incident(
        &self,
        principal: &Principal,
        id: IncidentId,
    ) -> Result<IncidentDetail, DetectionError> {
        require(principal, Role::Viewer)?;
        let (repo, containment) = (Arc::clone(&self.repo), Arc::clone(&self.containment));
        let org = principal.organization_id;
        let found = blocking::run(move || {
            let Some(incident) = repo.get_incident(org, id)? else {
                return Ok(None);
            };
            let events = repo.incident_events(org, &incident, INCIDENT_DETAIL_EVENTS)?;
            let page = PageRequest::new(None, Some(INCIDENT_DETAIL_EVENTS));
            let mut actions = containment.actions(org, Some(incident.id), &page)?;
            actions.truncate(INCIDENT_DETAIL_EVENTS);
            Ok(Some(IncidentDetail {
                incident,
                events,
                actions,
            }))
        })
        .await?;
        found.ok_or(DetectionError::NotFound)
    }

    pub async fn update_incident(
        &self,
        principal: &Principal,
        id: IncidentId,
        change: IncidentChange,
        client: &ClientInfo,
    ) -> Result<Incident, DetectionError> {
        require(principal, Role::Analyst)?;
        if change
            .note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            let mut errors = FieldErrors::new();
            errors.add(
                "note",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            );
            return Err(DetectionError::Validation(errors));
        }
        let repo = Arc::clone(&self.repo);
        let (org, now) = (principal.organization_id, self.clock.now());
        let audit = audit_trail::by_principal(
            principal,
            AuditAction::IncidentUpdated,
            RESOURCE_INCIDENT,
            client,
        );
        match blocking::run(move || repo.update_incident(org, id, &change, now, audit)).await? {
            IncidentChangeOutcome::Updated(incident) => Ok(incident),
            IncidentChangeOutcome::NotFound => Err(DetectionError::NotFound),
            IncidentChangeOutcome::InvalidTransition { from, to } => {
                Err(DetectionError::transition(from, to))
            }
            IncidentChangeOutcome::UnknownAssignee => {
                let mut errors = FieldErrors::new();
                errors.add("assignee_id", "is not a member of your organization");
                Err(DetectionError::Validation(errors))
            }
        }
    }

    pub async fn dashboard(
        &self,
        principal: &Principal,
    ) -> Result<DashboardSummary, DetectionError> {
        require(principal, Role::Viewer)?;
        let repo = Arc::clone(&self.repo);
        let (org, now) = (principal.organization_id, self.clock.now());
        Ok(blocking::run(move || repo.dashboard(org, now)).await?)
    }
}
