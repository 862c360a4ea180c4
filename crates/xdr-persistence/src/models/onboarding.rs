//! Rows of the onboarding tables (migration 000014): the wizard's state, discovery scans,
//! enrollment tokens (without their hash when read) and assets. JSON columns hold serde_json
//! text.

mod asset;
mod scan;
mod state;
mod token;

pub(crate) use asset::{ASSET_COLUMNS, AssetRow};
pub(crate) use scan::{SCAN_COLUMNS, ScanRow};
pub(crate) use state::{STATE_COLUMNS, StateRow};
pub(crate) use token::{NewTokenRow, TOKEN_COLUMNS, TokenRow};

use serde_json::Value;
use xdr_domain::RepoError;

use crate::error::corrupt;

/// A stored count (never negative).
fn count_from_db(n: i64, column: &str) -> Result<u64, RepoError> {
    u64::try_from(n).map_err(|e| corrupt(column, e))
}

/// A count to store; no real count reaches `i64::MAX`.
fn count_to_db(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A JSON array as text.
fn json_array<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> String {
    Value::Array(items.into_iter().map(Into::into).collect()).to_string()
}

/// The stored JSON array of `column`.
fn parse_array(raw: &str, column: &str) -> Result<Vec<Value>, RepoError> {
    match serde_json::from_str::<Value>(raw).map_err(|e| corrupt(column, e))? {
        Value::Array(items) => Ok(items),
        other => Err(corrupt(column, format!("not a JSON array: {other}"))),
    }
}
