//! How the agentless-ingest use cases' errors answer on `/api/v1` and `/ingest/multi` (the
//! HEC routes answer in HEC's own shape: `handlers::hec`).

use actix_web::http::StatusCode;
use xdr_service::IngestError;

use super::ApiError;

impl From<IngestError> for ApiError {
    fn from(e: IngestError) -> Self {
        let unprocessable =
            |code, message: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
        match e {
            IngestError::Validation(fields) => ApiError::validation(fields),
            IngestError::Forbidden => ApiError::forbidden(),
            IngestError::NotFound => ApiError::not_found(),
            IngestError::InvalidToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_ingest_token",
                "The ingest token is unknown, revoked or expired.",
            ),
            IngestError::NoData => unprocessable("no_data", "The request holds no events.".into()),
            IngestError::InvalidFormat { index } => unprocessable(
                "invalid_data_format",
                format!("Event {index} cannot be read."),
            ),
            IngestError::TooManyEvents { max } => unprocessable(
                "too_many_events",
                format!("A request may hold at most {max} events."),
            ),
            IngestError::Internal(i) => i.into(),
        }
    }
}
