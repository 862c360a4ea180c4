//! Proving who a caller is: passwords, access tokens, sessions and lockout, and the identity use
//! cases built on them (register, login, refresh, logout, change password...).
//!
//! Storage comes in through the ports of `xdr-domain`; this crate knows nothing of HTTP or SQL.

mod audit_trail;
mod blocking;
pub mod config;
pub mod error;
pub mod inventory;
pub mod jwt;
pub mod password;
pub mod principal;
pub mod security;
mod service;
pub mod session_cache;
pub mod tokens;
pub mod usecases;
pub mod vault;
pub mod webhooks;

pub use config::AuthConfig;
pub use error::{
    AcceptInvitationError, AccountError, AdminError, AuthenticateError, InternalError, LoginError,
    RefreshError, RegisterError,
};
pub use inventory::{InventoryError, InventoryService};
pub use jwt::{AccessClaims, AccessSubject, JwtKeyError, JwtKeyRing, TokenError};
pub use password::{PasswordHashError, PasswordHasher};
pub use principal::{ClientInfo, Principal};
pub use security::{
    ContainmentExecutors, IncidentDetail, PolicyInput, RecordExecutor, RuleChange, SecurityError,
    SecurityService,
};
pub use service::{AuthService, IdentityStore};
pub use tokens::{RefreshToken, TokenPair};
pub use usecases::invitations::IssuedInvitation;
pub use usecases::login::LoggedIn;
pub use usecases::register::{RegisterInput, Registered};
pub use vault::{CredentialError, CredentialService, KeyRingSealer};
pub use webhooks::{WebhookError, WebhookService};
