//! Endpoint agents: what an enrolled agent is, its status (computed when read), and the rules
//! of enrollment, heartbeats and secret rotation. Pure: signatures are xdr-auth's, storage is
//! the adapters'.

pub mod agent;
mod counts;
pub mod enrollment;
pub mod heartbeat;

pub use agent::{
    Agent, AgentState, AgentStatus, DEFAULT_DISCONNECT_AFTER_SECONDS, SECRET_OVERLAP_SECONDS,
    SUPERSEDE_AFTER_SECONDS, agent_secret_binding,
};
pub use counts::AgentCounts;
pub use enrollment::{EnrollRefused, Enrollment, EnrollmentRequest, NewAgentFacts, decide};
pub use heartbeat::{HealthReport, Heartbeat, HeartbeatInput};
