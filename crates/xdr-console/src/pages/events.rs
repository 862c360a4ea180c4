//! Event search: by type and source address, newest first. Every field an event carries was
//! written by whoever sent it, so it is only ever rendered escaped.

use std::net::IpAddr;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;
use xdr_domain::detection::EventFilter;
use xdr_domain::detection::event::Event;
use xdr_domain::{Page, PageRequest};

use super::format::{filled, iso, or_dash, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::redirect::encode;
use crate::render;
use crate::session::Signed;

struct EventRow {
    at: String,
    at_iso: String,
    event_type: String,
    src_ip: String,
    destination: String,
    hostname: String,
    username: String,
    message: String,
}

impl From<&Event> for EventRow {
    fn from(e: &Event) -> Self {
        let e = &e.event;
        let destination = match (e.dst_ip, e.dst_port) {
            (Some(ip), Some(port)) => format!("{ip}:{port}"),
            (Some(ip), None) => ip.to_string(),
            (None, Some(port)) => format!("port {port}"),
            (None, None) => "—".to_owned(),
        };
        Self {
            at: time(e.received_at),
            at_iso: iso(e.received_at),
            event_type: e.event_type.clone(),
            src_ip: e.src_ip.to_string(),
            destination,
            hostname: or_dash(e.hostname.as_deref()),
            username: or_dash(e.username.as_deref()),
            message: or_dash(e.message.as_deref()),
        }
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    layout: Layout,
    filter_type: String,
    filter_src_ip: String,
    events: Vec<EventRow>,
    self_url: String,
    older_url: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EventQuery {
    event_type: Option<String>,
    src_ip: Option<String>,
    before: Option<String>,
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
    query: web::Query<EventQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let q = query.into_inner();
    let src_ip = filled(q.src_ip.as_ref())
        .map(|v| {
            v.parse::<IpAddr>()
                .map_err(|_| ConsoleError::BadRequest(format!("{v:?} is not an IP address.")))
        })
        .transpose()?;
    let before = filled(q.before.as_ref())
        .map(|v| {
            v.parse::<Uuid>()
                .map_err(|_| ConsoleError::BadRequest("The page position is wrong.".to_owned()))
        })
        .transpose()?;
    let event_type = filled(q.event_type.as_ref()).map(str::to_owned);
    let filter = EventFilter {
        event_type: event_type.clone(),
        src_ip,
        since: None,
        until: None,
    };
    let request = PageRequest::new(before, None);
    let rows = state
        .services
        .detection
        .list_events(&signed.principal, filter, request)
        .await?;
    let page = Page::from_rows(rows, &request, |e| e.event.id.as_uuid());
    let mut filters = String::new();
    if let Some(t) = &event_type {
        filters.push_str(&format!("event_type={}&", encode(t)));
    }
    if let Some(ip) = src_ip {
        filters.push_str(&format!("src_ip={}&", encode(&ip.to_string())));
    }
    let self_url = match before {
        Some(b) => format!("/events?{filters}before={b}"),
        None => format!("/events?{filters}"),
    };
    let page = EventsPage {
        layout: Layout::signed(&state, &signed, "Events", "events"),
        filter_type: event_type.unwrap_or_default(),
        filter_src_ip: src_ip.map(|ip| ip.to_string()).unwrap_or_default(),
        events: page.items.iter().map(EventRow::from).collect(),
        older_url: page
            .next_before
            .map(|b| format!("/events?{filters}before={b}")),
        self_url,
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}
