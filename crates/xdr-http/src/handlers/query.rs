//! Query-string helpers shared by the list handlers.

use std::str::FromStr;

use xdr_domain::{FieldErrors, PageRequest};

use crate::dto::page::ListQuery;
use crate::error::ApiError;

/// Parses an optional query value, reporting `field` when it is not valid.
pub(crate) fn parse_opt<T: FromStr>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    problem: &str,
) -> Option<T> {
    raw.and_then(|v| errors.check(field, v.parse::<T>().map_err(|_| problem.to_owned())))
}

pub(crate) fn page_of(limit: Option<u32>, cursor: Option<String>) -> Result<PageRequest, ApiError> {
    ListQuery { limit, cursor }.page()
}
