//! Builds the HTTP application state from a database and configuration values.

use std::sync::Arc;

use xdr_auth::{
    AuthConfig, AuthService, IdentityStore, InventoryService, JwtKeyRing, PasswordHashError,
    PasswordHasher, SecurityService,
};
use xdr_domain::Clock;
use xdr_http::{AppState, HttpConfig};
use xdr_persistence::Database;

/// Connects the use cases to the database's repositories.
pub fn build_state(
    database: &Database,
    auth: AuthConfig,
    jwt: JwtKeyRing,
    http: HttpConfig,
    clock: Arc<dyn Clock>,
) -> Result<AppState, PasswordHashError> {
    let repos = database.repositories();
    let store = IdentityStore {
        organizations: repos.organizations,
        users: repos.users,
        sessions: repos.sessions,
        throttle: repos.login_throttle,
        invitations: repos.invitations,
    };
    let hasher = PasswordHasher::new(auth.bcrypt_cost, auth.password_hash_concurrency)?;
    let security = SecurityService::new(repos.security, Arc::clone(&clock));
    let inventory = InventoryService::new(repos.inventory, Arc::clone(&clock));
    let service = AuthService::new(store, clock, hasher, jwt, auth);
    Ok(AppState::new(
        Arc::new(service),
        Arc::new(security),
        Arc::new(inventory),
        repos.health,
        http,
    ))
}
