//! List query parameters and opaque cursors (docs/api.md, "Lists and pagination").

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use xdr_domain::{FieldErrors, PageRequest};

use crate::error::ApiError;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size (default 50), clamped into 1–500.
    #[param(format = Int64, minimum = 0, maximum = 4294967295_u64)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{22}$")]
    pub cursor: Option<String>,
}

/// Decodes what the documented pattern admits (an id's 16 bytes in unpadded base64url). The
/// unused low bits of the last character are ignored, so every string of the documented shape
/// names an id: a position in the caller's own organization's list, like any other.
const CURSOR_DECODER: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

impl ListQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let before = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest::new(before, widen(self.limit)))
    }
}

/// A page size as the domain takes it (a `u32` always fits).
pub fn widen(limit: Option<u32>) -> Option<usize> {
    limit.map(|l| usize::try_from(l).unwrap_or(usize::MAX))
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<Uuid, ApiError> {
    CURSOR_DECODER
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

    #[test]
    fn every_string_of_the_documented_shape_is_a_cursor() {
        let pattern_shaped = ListQuery {
            limit: None,
            cursor: Some("AAAAAAAAAAAAAAAAAAAAA_".into()),
        };
        assert!(pattern_shaped.page().unwrap().before.is_some());
        let too_short = ListQuery {
            limit: None,
            cursor: Some("AAAA".into()),
        };
        assert!(too_short.page().is_err());
    }
}
