//! Request extractors: who is calling, from where, with which role.

mod agent_context;
mod auth_context;
mod client;
mod rate_limit;

pub use agent_context::{Signed, SignedBody};
pub use auth_context::{Admin, Analyst, AuthContext, Authorized, MinRole, SocLead, Viewer};
pub use client::{Client, client_info};
pub use rate_limit::{AuthRateLimit, SignInRateLimit};
