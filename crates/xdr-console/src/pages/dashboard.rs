//! The dashboard: open incidents by severity, the last 24 hours' events, agents by status,
//! top source IPs and an events-per-hour chart.

use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use xdr_domain::PageRequest;
use xdr_domain::agents::AgentStatus;

use crate::chart::{self, Chart};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;
use crate::summary_cache::Figures;

/// How many agents the status tiles count (the newest; the agents page lists them all).
const AGENTS_COUNTED: usize = xdr_domain::pagination::MAX_PAGE_LIMIT;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    open_by_severity: Vec<(&'static str, u64)>,
    events_last_24h: u64,
    agents_by_status: Vec<(&'static str, u64)>,
    top_source_ips: Vec<(String, u64)>,
    chart: Chart,
    chart_width: u32,
    chart_height: u32,
    chart_from: String,
}

pub(crate) async fn show(
    state: web::Data<ConsoleState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let figures = figures(&state, &signed).await?;
    let summary = &figures.summary;
    let chart_from = summary
        .events_per_hour
        .first()
        .map(|(start, _)| start.format("%H:00 UTC").to_string())
        .unwrap_or_default();
    let page = DashboardPage {
        layout: Layout::signed(&state, &signed, "Dashboard", "dashboard"),
        open_by_severity: summary
            .open_by_severity
            .iter()
            .rev()
            .map(|(s, n)| (s.as_str(), *n))
            .collect(),
        events_last_24h: summary.events_last_24h,
        agents_by_status: figures.agents_by_status.clone(),
        top_source_ips: summary.top_source_ips.clone(),
        chart: chart::events_per_hour(&summary.events_per_hour),
        chart_width: chart::WIDTH,
        chart_height: chart::HEIGHT,
        chart_from,
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

/// The organization's figures: reused for a few seconds (`summary_cache`), else computed.
async fn figures(state: &ConsoleState, signed: &Signed) -> Result<Arc<Figures>, ConsoleError> {
    let org = signed.principal.organization_id;
    if let Some(figures) = state.dashboard.get(org) {
        return Ok(figures);
    }
    let services = &state.services;
    let summary = services.detection.dashboard(&signed.principal).await?;
    let agents = services
        .agents
        .list(
            &signed.principal,
            None,
            PageRequest::new(None, Some(AGENTS_COUNTED)),
        )
        .await?;
    let agents_by_status = AgentStatus::ALL
        .iter()
        .map(|s| {
            let n = agents.items.iter().filter(|a| a.status == *s).count();
            (s.as_str(), u64::try_from(n).unwrap_or(u64::MAX))
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let figures = Arc::new(Figures {
        summary,
        agents_by_status,
    });
    state.dashboard.put(org, Arc::clone(&figures));
    Ok(figures)
}
