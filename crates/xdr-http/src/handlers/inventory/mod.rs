//! `/api/v1/log-sources` and `/api/v1/ml-models`.

pub mod ingest_tokens;
pub mod log_sources;
pub mod ml_models;
