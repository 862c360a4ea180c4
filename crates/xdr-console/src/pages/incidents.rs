//! The incident list with filters; htmx refreshes the table in place.

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;
use xdr_domain::detection::{Incident, IncidentFilter, IncidentStatus, Severity};
use xdr_domain::{Page, PageRequest};

use super::format::{filled, iso, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::redirect::encode;
use crate::render;
use crate::session::{Signed, is_htmx};

pub(crate) struct IncidentRow {
    id: String,
    severity: &'static str,
    title: String,
    src_ip: String,
    status: &'static str,
    event_count: i64,
    last_seen: String,
    last_seen_iso: String,
}

impl From<&Incident> for IncidentRow {
    fn from(i: &Incident) -> Self {
        Self {
            id: i.id.to_string(),
            severity: i.severity.as_str(),
            title: i.title.clone(),
            src_ip: i.src_ip.to_string(),
            status: i.status.as_str(),
            event_count: i.event_count,
            last_seen: time(i.last_seen_at),
            last_seen_iso: iso(i.last_seen_at),
        }
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    layout: Layout,
    /// Each choice and whether it is the current filter.
    statuses: Vec<(&'static str, bool)>,
    severities: Vec<(&'static str, bool)>,
    filter_src_ip: String,
    incidents: Vec<IncidentRow>,
    self_url: String,
    older_url: Option<String>,
}

#[derive(Template)]
#[template(path = "incidents_table.html")]
struct IncidentsTable<'a> {
    incidents: &'a [IncidentRow],
    self_url: &'a str,
    older_url: &'a Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct IncidentQuery {
    status: Option<String>,
    severity: Option<String>,
    src_ip: Option<String>,
    before: Option<String>,
}

fn parse<T: std::str::FromStr>(
    value: Option<&String>,
    what: &str,
) -> Result<Option<T>, ConsoleError> {
    filled(value)
        .map(|v| {
            v.parse()
                .map_err(|_| ConsoleError::BadRequest(format!("{v:?} is not {what}.")))
        })
        .transpose()
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    query: web::Query<IncidentQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let q = query.into_inner();
    let filter = IncidentFilter {
        status: parse::<IncidentStatus>(q.status.as_ref(), "an incident status")?,
        severity: parse::<Severity>(q.severity.as_ref(), "a severity")?,
        src_ip: parse::<IpAddr>(q.src_ip.as_ref(), "an IP address")?,
    };
    let before = parse::<Uuid>(q.before.as_ref(), "a page position")?;
    let request = PageRequest::new(before, None);
    let rows = state
        .services
        .detection
        .list_incidents(&signed.principal, filter.clone(), request)
        .await?;
    let page = Page::from_rows(rows, &request, |i| i.id.as_uuid());
    let incidents: Vec<IncidentRow> = page.items.iter().map(IncidentRow::from).collect();
    let filters = filter_query(&filter);
    let self_url = match before {
        Some(b) => format!("/incidents?{filters}before={b}"),
        None => format!("/incidents?{filters}"),
    };
    let older_url = page
        .next_before
        .map(|b| format!("/incidents?{filters}before={b}"));
    if is_htmx(&req) {
        let table = IncidentsTable {
            incidents: &incidents,
            self_url: &self_url,
            older_url: &older_url,
        };
        return render::page(StatusCode::OK, &table, &signed.cookies());
    }
    let page = IncidentsPage {
        layout: Layout::signed(&state, &signed, "Incidents", "incidents"),
        statuses: IncidentStatus::ALL
            .iter()
            .map(|s| (s.as_str(), filter.status == Some(*s)))
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| (s.as_str(), filter.severity == Some(*s)))
            .collect(),
        filter_src_ip: filter.src_ip.map(|ip| ip.to_string()).unwrap_or_default(),
        incidents,
        self_url,
        older_url,
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

/// The filters as query parameters, each followed by `&`.
fn filter_query(filter: &IncidentFilter) -> String {
    let mut out = String::new();
    if let Some(s) = filter.status {
        out.push_str(&format!("status={}&", s.as_str()));
    }
    if let Some(s) = filter.severity {
        out.push_str(&format!("severity={}&", s.as_str()));
    }
    if let Some(ip) = filter.src_ip {
        out.push_str(&format!("src_ip={}&", encode(&ip.to_string())));
    }
    out
}
