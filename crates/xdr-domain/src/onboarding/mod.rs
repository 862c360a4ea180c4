//! Onboarding: the wizard's steps, network discovery's rules (what may be scanned, what a
//! host's open ports say about it) and the deployment plan. Pure: the scanner, storage and
//! the HTTP endpoints live elsewhere.

pub mod asset;
pub mod classification;
pub mod deployment;
pub mod discovery;
pub mod enrollment;
pub mod profile;
pub mod scan;
pub mod shell_quote;
pub mod wizard;

pub use asset::{AgentPlatform, Asset, AssetOs, AssetPriority, AssetRole, ObservedService};
pub use classification::{Classification, classify};
pub use deployment::{PlanItem, PlannedAsset, deployment_plan};
pub use discovery::{DEFAULT_PORTS, DiscoveryPolicy, ScanPlan, ScanRequest, plan_scan};
pub use enrollment::{
    EnrollmentToken, TokenRequest, TokenStatus, TokenTerms, token_status, token_terms,
};
pub use profile::{CompanySize, Profile};
pub use scan::{Scan, ScanCounts, ScanStatus};
pub use wizard::{Onboarding, OnboardingStatus, OnboardingStep, Transition, WizardError};
