//! The port implementations. Every tenant query filters by the `OrganizationId` it is given.

mod audit;
pub(crate) mod health;
mod organizations;
mod refresh;
mod sessions;
mod throttle;
mod users;

pub use audit::SqlAuditLogRepository;
pub use organizations::SqlOrganizationRepository;
pub use sessions::SqlSessionRepository;
pub use throttle::SqlLoginThrottleRepository;
pub use users::SqlUserRepository;
