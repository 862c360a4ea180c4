//! List query parameters and opaque cursors (docs/api.md, "Lists and pagination").

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use xdr_domain::{FieldErrors, PageRequest};

use crate::error::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1–500 (default 50).
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let before = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest::new(before, self.limit))
    }
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<Uuid, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .ok_or_else(|| {
            let mut errors = FieldErrors::new();
            errors.add("cursor", "is not a cursor this API issued");
            ApiError::validation(errors)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let id = Uuid::now_v7();
        let q = ListQuery {
            limit: Some(10),
            cursor: Some(encode_cursor(id)),
        };
        assert_eq!(q.page().unwrap().before, Some(id));
        let bad = ListQuery {
            limit: None,
            cursor: Some("!!".into()),
        };
        assert!(bad.page().is_err());
    }
}
