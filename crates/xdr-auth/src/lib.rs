//! Proving who a caller is: passwords, access tokens, sessions and their cache, lockout, the
//! verified caller (`Principal`), and the sign-in use cases built on them (register, login,
//! refresh, logout, sessions, change password, accept invitation), and agent request signatures.
//!
//! The product's other use cases (administration, detection, credentials...) are `xdr-service`.
//!
//! Storage comes in through the ports of `xdr-domain`; this crate knows nothing of HTTP or SQL.

pub mod agent_signature;
pub mod audit_trail;
pub mod blocking;
pub mod config;
pub mod error;
pub mod jwt;
pub mod password;
pub mod principal;
mod service;
pub mod session_cache;
pub mod tokens;
pub mod usecases;

pub use config::AuthConfig;
pub use error::{
    AcceptInvitationError, AccountError, AuthenticateError, InternalError, LoginError,
    RefreshError, RegisterError,
};
pub use jwt::{AccessClaims, AccessSubject, JwtKeyError, JwtKeyRing, TokenError};
pub use password::{PasswordHashError, PasswordHasher};
pub use principal::{ClientInfo, Principal};
pub use service::{AuthService, IdentityStore};
pub use tokens::{RefreshToken, TokenPair};
pub use usecases::browser::BrowserToken;
pub use usecases::invitations::Joined;
pub use usecases::login::LoggedIn;
pub use usecases::register::{RegisterInput, Registered};
