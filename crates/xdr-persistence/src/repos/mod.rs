//! The port implementations. Every tenant query filters by the `OrganizationId` it is given.

mod credentials;
pub(crate) mod health;
mod organizations;
mod refresh;
mod sessions;
mod throttle;
mod users;

pub use credentials::SqlCredentialRepository;
pub use organizations::SqlOrganizationRepository;
pub use sessions::SqlSessionRepository;
pub use throttle::SqlLoginThrottleRepository;
pub use users::SqlUserRepository;
