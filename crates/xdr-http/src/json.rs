//! Extractor configuration: malformed JSON → 400, wrong shape → 422, too large → 413, and ids in
//! paths that are not UUIDs → 404 (such a resource cannot exist).

use std::collections::BTreeMap;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{HttpRequest, web};

use crate::error::ApiError;

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err: PathError, _req| ApiError::not_found().into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let message = match err {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::validation(xdr_domain::FieldErrors::new())
            .with_fields(BTreeMap::from([("query".to_owned(), vec![message])]))
            .into()
    })
}

/// A body read as bytes (a signed agent request) that does not parse: as the JSON extractor
/// answers.
pub(crate) fn body_error(e: serde_json::Error) -> ApiError {
    json_error(JsonPayloadError::Deserialize(e))
}

fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            ApiError::payload_too_large()
        }
        JsonPayloadError::ContentType => {
            ApiError::malformed("Content-Type must be application/json.")
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            let message = strip_position(&e.to_string());
            let field = named_field(&message).unwrap_or_else(|| "body".to_owned());
            ApiError::validation(xdr_domain::FieldErrors::new())
                .with_fields(BTreeMap::from([(field, vec![message])]))
        }
        JsonPayloadError::Deserialize(_) => ApiError::malformed("The body is not valid JSON."),
        _ => ApiError::malformed("The request body could not be read."),
    }
}

/// serde_json appends " at line L column C"; clients do not need it.
fn strip_position(message: &str) -> String {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
        .to_owned()
}

/// The field a serde message is about, when it names one ("missing field `x`", "unknown field
/// `x`"); other messages quote values, not fields.
fn named_field(message: &str) -> Option<String> {
    let about_field = message.starts_with("missing field") || message.starts_with("unknown field");
    about_field.then(|| backticked(message)).flatten()
}

/// The first `name` quoted in backticks.
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_serde_messages() {
        assert_eq!(
            backticked("unknown field `role`, expected one of `email`").as_deref(),
            Some("role")
        );
        assert_eq!(backticked("invalid type: integer"), None);
        assert_eq!(
            named_field("missing field `email`").as_deref(),
            Some("email")
        );
        assert_eq!(
            named_field("unknown variant `root`, expected `viewer`"),
            None
        );
        assert_eq!(
            strip_position("missing field `x` at line 1 column 2"),
            "missing field `x`"
        );
    }
}
