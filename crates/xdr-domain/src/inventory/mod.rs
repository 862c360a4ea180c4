//! Inventory of an organization: the log sources it collects from and the records of its ML
//! model registry. Plain tenant-owned records with validated fields.

pub mod ingest_token;
pub mod log_source;
pub mod ml_model;
pub(crate) mod text;

pub use ingest_token::{
    IngestSource, IngestStatus, IngestTally, IngestToken, IngestTokenInput, MAX_EXPIRY_DAYS,
};
pub use log_source::{
    LogSource, LogSourceChange, LogSourceChangeInput, LogSourceInput, LogSourceType,
};
pub use ml_model::{
    MAX_METRICS_BYTES, MlModel, MlModelChange, MlModelChangeInput, MlModelInput, ModelStatus,
};
