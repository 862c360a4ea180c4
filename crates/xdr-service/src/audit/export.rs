//! Exporting the audit log: every matching entry, newest first, as NDJSON (one entry per
//! line) or CSV (RFC 4180 quoting, a header row, spreadsheet formulas neutralized), read page
//! by page and handed over in encoded chunks, so memory stays flat however long the log.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use thiserror::Error;
use tokio::sync::mpsc;
use tokio::time::Instant;
use uuid::Uuid;
use xdr_auth::Principal;
use xdr_domain::audit::{AuditEntry, AuditFilter, canonical_json};

use super::{AUDIT_READER, AuditError, AuditService};
use crate::access::require;

const CSV_HEADER: &str = "id,created_at,actor_id,actor_email,action,resource_type,resource_id,success,error,ip,user_agent,details,hash\r\n";

/// Entries read from storage per chunk.
const BATCH: usize = 500;
/// Encoded chunks buffered ahead of a slow reader: memory is about this many pages.
const CHUNKS_AHEAD: usize = 8;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExportFormat {
    #[default]
    Ndjson,
    Csv,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ndjson => "application/x-ndjson",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The name a browser saves the download under.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Ndjson => "audit-log.ndjson",
            Self::Csv => "audit-log.csv",
        }
    }
}

/// Why an export ended before its last entry. The reader has had part of it already: it must
/// break the transfer off, so that nobody mistakes a short export for a whole one.
#[derive(Debug, Clone, Copy, Error, PartialEq, Eq)]
pub enum ExportAborted {
    #[error("audit export failed")]
    Failed,
    #[error("audit export took longer than its time limit")]
    TimedOut,
}

/// A running export: its encoded chunks in order, then the end, or an [`ExportAborted`].
#[derive(Debug)]
pub struct AuditExport {
    chunks: mpsc::Receiver<Result<Vec<u8>, ExportAborted>>,
}

impl AuditExport {
    /// The next chunk, `None` once the export is complete.
    pub fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Vec<u8>, ExportAborted>>> {
        self.chunks.poll_recv(cx)
    }
}

impl AuditService {
    /// Starts exporting the entries matching `filter`. The role is checked here, before
    /// anything is sent; the export ends when the reader drops the [`AuditExport`], and is
    /// cut off (with [`ExportAborted::TimedOut`]) after `time_limit`. Each page is one short
    /// blocking read and waiting for a slow reader is an async send, so no thread of the
    /// blocking pool is held by a reader.
    pub fn export(
        self: &Arc<Self>,
        principal: &Principal,
        filter: AuditFilter,
        format: ExportFormat,
        time_limit: Duration,
    ) -> Result<AuditExport, AuditError> {
        require(principal, AUDIT_READER)?;
        let (tx, chunks) = mpsc::channel(CHUNKS_AHEAD);
        let deadline = Instant::now() + time_limit;
        let (audit, principal) = (Arc::clone(self), *principal);
        tokio::spawn(async move {
            let org = principal.organization_id;
            let run = audit.send_pages(&principal, filter, format, deadline, &tx);
            let aborted = match tokio::time::timeout_at(deadline, run).await {
                Ok(Ok(())) | Ok(Err(Ended::ReaderGone)) => return,
                Ok(Err(Ended::Failed(e))) => {
                    tracing::error!(error = %e, organization_id = %org, "audit export failed");
                    ExportAborted::Failed
                }
                Ok(Err(Ended::TimedOut)) | Err(_) => {
                    tracing::warn!(organization_id = %org, "audit export cut off at its time limit");
                    ExportAborted::TimedOut
                }
            };
            let _ = tx.try_send(Err(aborted));
        });
        Ok(AuditExport { chunks })
    }

    async fn send_pages(
        &self,
        principal: &Principal,
        filter: AuditFilter,
        format: ExportFormat,
        deadline: Instant,
        tx: &mpsc::Sender<Result<Vec<u8>, ExportAborted>>,
    ) -> Result<(), Ended> {
        if format == ExportFormat::Csv {
            send(tx, CSV_HEADER.as_bytes().to_vec()).await?;
        }
        let mut cursor = None;
        loop {
            // Checked before each page as well: a timer of zero or a few microseconds may
            // fire only at the runtime's next tick, after a short export has finished.
            if Instant::now() >= deadline {
                return Err(Ended::TimedOut);
            }
            let page = self
                .list(principal, filter.clone(), cursor, BATCH)
                .await
                .map_err(Ended::Failed)?;
            let encoded = match format {
                ExportFormat::Ndjson => ndjson(&page.items),
                ExportFormat::Csv => csv(&page.items),
            };
            send(tx, encoded).await?;
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(()),
            }
        }
    }
}

/// Why the sending of pages stopped.
enum Ended {
    ReaderGone,
    TimedOut,
    Failed(AuditError),
}

async fn send(
    tx: &mpsc::Sender<Result<Vec<u8>, ExportAborted>>,
    chunk: Vec<u8>,
) -> Result<(), Ended> {
    tx.send(Ok(chunk)).await.map_err(|_| Ended::ReaderGone)
}

/// One NDJSON line: the fields and their order of the API's audit entry.
#[derive(Serialize)]
struct Line<'a> {
    id: Uuid,
    created_at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor_email: Option<&'a str>,
    action: &'a str,
    resource_type: &'a str,
    resource_id: Option<&'a str>,
    success: bool,
    error: Option<&'a str>,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    details: &'a serde_json::Value,
    hash: &'a str,
}

impl<'a> From<&'a AuditEntry> for Line<'a> {
    fn from(stored: &'a AuditEntry) -> Self {
        let e = &stored.entry;
        Self {
            id: stored.id.as_uuid(),
            created_at: stored.created_at,
            actor_id: e.actor_id.map(|a| a.as_uuid()),
            actor_email: e.actor_email.as_deref(),
            action: e.action.as_str(),
            resource_type: &e.resource_type,
            resource_id: e.resource_id.as_deref(),
            success: e.success,
            error: e.error.as_deref(),
            ip: e.ip.as_deref(),
            user_agent: e.user_agent.as_deref(),
            details: &e.details,
            hash: &stored.hash,
        }
    }
}

/// Entries as NDJSON lines.
fn ndjson(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 512);
    for entry in entries {
        // Serializing plain fields cannot fail; skip rather than panic if it ever did.
        if serde_json::to_writer(&mut out, &Line::from(entry)).is_ok() {
            out.push(b'\n');
        }
    }
    out
}

/// Entries as CSV rows (without the header).
fn csv(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = String::with_capacity(entries.len() * 512);
    for stored in entries {
        let e = &stored.entry;
        let created = stored
            .created_at
            .to_rfc3339_opts(SecondsFormat::Micros, true);
        let fields: [Option<String>; 13] = [
            Some(stored.id.to_string()),
            Some(created),
            e.actor_id.map(|a| a.to_string()),
            e.actor_email.clone(),
            Some(e.action.as_str().to_owned()),
            Some(e.resource_type.clone()),
            e.resource_id.clone(),
            Some(e.success.to_string()),
            e.error.clone(),
            e.ip.clone(),
            e.user_agent.clone(),
            Some(canonical_json(&e.details)),
            Some(stored.hash.clone()),
        ];
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Some(value) = field {
                push_csv_field(&mut out, value);
            }
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Quotes a field when it holds a separator, quote or line break (doubling quotes), and
/// prefixes `'` to text a spreadsheet would run as a formula.
fn push_csv_field(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = formula || value.contains([',', '"', '\r', '\n']);
    if !needs_quotes {
        out.push_str(value);
        return;
    }
    out.push('"');
    if formula {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
#[path = "export_tests.rs"]
mod tests;
