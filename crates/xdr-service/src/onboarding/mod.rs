//! Onboarding's use cases. So far the discovery scanner: TCP connect probes of a validated
//! `xdr_domain::onboarding::ScanPlan`.

mod banner;
pub mod scanner;

pub use scanner::{HostFound, ScanEnd, ScanLimits, ScanOutcome, ScanProgress, scan};
