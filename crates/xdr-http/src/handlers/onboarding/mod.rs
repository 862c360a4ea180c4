//! `/api/v1/onboarding` (admin): the wizard, discovery and enrollment tokens.

pub mod discovery;
pub mod tokens;
pub mod wizard;
