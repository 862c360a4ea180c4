//! The audit log (admins): entries newest first, filtered by action, and a check of the
//! organization's hash chain; the download of the filtered log is in [`super::audit_export`].

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::audit::{AuditAction, AuditCursor, AuditFilter};
use xdr_domain::identity::Role;

use super::format::{filled, or_dash, time};
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

const PAGE: usize = 100;

struct EntryRow {
    seq: i64,
    at: String,
    action: &'static str,
    actor: String,
    resource: String,
    result: String,
    ip: String,
}

struct Verification {
    valid: bool,
    text: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    actions: Vec<(&'static str, bool)>,
    entries: Vec<EntryRow>,
    verification: Option<Verification>,
    older_url: Option<String>,
    /// Downloads of the entries this filter shows (all pages): CSV, NDJSON.
    export_urls: (String, String),
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditQuery {
    action: Option<String>,
    before: Option<String>,
    verify: Option<String>,
}

/// The action a filter form chose: none when left at "any".
pub(super) fn action_filter(raw: Option<&String>) -> Result<Option<AuditAction>, ConsoleError> {
    filled(raw)
        .map(|a| {
            AuditAction::from_str(a)
                .map_err(|_| ConsoleError::BadRequest(format!("{a:?} is not an audit action.")))
        })
        .transpose()
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ConsoleError> {
    signed.require(Role::Admin)?;
    let action = action_filter(query.action.as_ref())?;
    let cursor = filled(query.before.as_ref())
        .map(|b| {
            b.parse::<i64>()
                .map(|before_seq| AuditCursor { before_seq })
                .map_err(|_| ConsoleError::BadRequest("The page position is wrong.".to_owned()))
        })
        .transpose()?;
    let audit = &state.services.audit;
    let filter = AuditFilter {
        action,
        ..AuditFilter::default()
    };
    let page = audit.list(&signed.principal, filter, cursor, PAGE).await?;
    let verification = match filled(query.verify.as_ref()) {
        Some(_) => {
            let v = audit.verify(&signed.principal).await?;
            let text = if v.valid {
                format!(
                    "The chain is intact: {} entries checked.",
                    v.entries_checked
                )
            } else {
                match v.first_bad_id {
                    Some(id) => format!("The chain is broken at entry {id}."),
                    None => {
                        "The chain ends before its recorded head: entries were removed.".to_owned()
                    }
                }
            };
            Some(Verification {
                valid: v.valid,
                text,
            })
        }
        None => None,
    };
    let action_query = action
        .map(|a| format!("action={}&", a.as_str()))
        .unwrap_or_default();
    let page = AuditPage {
        layout: Layout::signed(&state, &signed, "Audit log", "audit"),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), action == Some(*a)))
            .collect(),
        entries: page
            .items
            .iter()
            .map(|e| EntryRow {
                seq: e.seq,
                at: time(e.created_at),
                action: e.entry.action.as_str(),
                actor: or_dash(e.entry.actor_email.as_deref()),
                resource: match &e.entry.resource_id {
                    Some(id) => format!("{} {id}", e.entry.resource_type),
                    None => e.entry.resource_type.clone(),
                },
                result: match (&e.entry.success, &e.entry.error) {
                    (true, _) => "ok".to_owned(),
                    (false, Some(error)) => format!("failed: {error}"),
                    (false, None) => "failed".to_owned(),
                },
                ip: or_dash(e.entry.ip.as_deref()),
            })
            .collect(),
        verification,
        older_url: page
            .next
            .map(|c| format!("/audit?{action_query}before={}", c.before_seq)),
        export_urls: (
            format!("/audit/export?{action_query}format=csv"),
            format!("/audit/export?{action_query}format=ndjson"),
        ),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}
