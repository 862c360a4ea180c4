//! The credentials use cases (`CredentialService`) and the real `Sealer` over the
//! crypto key ring. The service depends only on the `Sealer` and `CredentialRepository` ports.

mod error;
mod input;
mod keyring_sealer;
pub(crate) mod rewrap;
mod service;
mod usecases;

#[cfg(test)]
mod fakes;
#[cfg(test)]
mod tests;

pub use error::{CredentialError, KeyVersionsError};
pub use input::{
    CreateCredentialInput, DEFAULT_PAGE_SIZE, ListCredentialsInput, MAX_PAGE_SIZE,
    UpdateCredentialInput,
};
pub use keyring_sealer::KeyRingSealer;
pub use rewrap::{DEFAULT_REWRAP_BATCH, RewrapReport, check_key_versions};
pub use service::{
    CheckedCredential, CredentialPage, CredentialService, CredentialStatus, RevealedCredential,
};
