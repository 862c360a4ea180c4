//! Builds the HTTP application state from a database and configuration values.

use std::sync::Arc;

use xdr_auth::{
    AuthConfig, AuthService, CredentialService, IdentityStore, InventoryService, JwtKeyRing,
    KeyRingSealer, PasswordHashError, PasswordHasher, RecordExecutor, SecurityService,
};
use xdr_crypto::KeyRing;
use xdr_domain::Clock;
use xdr_http::{AppState, HttpConfig};
use xdr_persistence::Database;

/// Connects the use cases to the database's repositories.
pub fn build_state(
    database: &Database,
    auth: AuthConfig,
    jwt: JwtKeyRing,
    vault: KeyRing,
    http: HttpConfig,
    clock: Arc<dyn Clock>,
) -> Result<AppState, PasswordHashError> {
    let repos = database.repositories();
    let credentials = credential_service(database, vault, Arc::clone(&clock));
    let store = IdentityStore {
        organizations: repos.organizations,
        users: repos.users,
        sessions: repos.sessions,
        throttle: repos.login_throttle,
        invitations: repos.invitations,
        audit: Arc::clone(&repos.audit),
    };
    let hasher = PasswordHasher::new(auth.bcrypt_cost, auth.password_hash_concurrency)?;
    let security = SecurityService::new(
        repos.security,
        repos.containment,
        Arc::new(RecordExecutor),
        Arc::clone(&clock),
    );
    let inventory = InventoryService::new(repos.inventory, Arc::clone(&clock));
    let service = AuthService::new(store, clock, hasher, jwt, auth);
    Ok(AppState::new(
        Arc::new(service),
        Arc::new(security),
        Arc::new(credentials),
        repos.audit,
        Arc::new(inventory),
        repos.health,
        http,
    ))
}

/// The credential vault over the database and a key ring (also used by `vault rewrap`).
pub fn credential_service(
    database: &Database,
    vault: KeyRing,
    clock: Arc<dyn Clock>,
) -> CredentialService {
    CredentialService::new(
        Arc::new(database.credentials()),
        Arc::new(KeyRingSealer::new(vault)),
        clock,
    )
}
