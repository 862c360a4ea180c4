//! How pages write times and optional values.

use chrono::{DateTime, Utc};

/// `2026-12-04 09:41:07`, always UTC (the column headers say so).
pub(crate) fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// For a `datetime` attribute.
pub(crate) fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("—").to_owned()
}

/// An optional filter's value: absent and empty are the same ("any").
pub(crate) fn filled(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}
