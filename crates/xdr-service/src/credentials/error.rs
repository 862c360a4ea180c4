//! Errors of the credentials use cases.

use std::collections::BTreeMap;

use thiserror::Error;
use xdr_domain::secrets::SealError;
use xdr_domain::{FieldErrors, RepoError};

use xdr_auth::InternalError;

#[derive(Debug, Error)]
pub enum CredentialError {
    #[error("validation failed")]
    Validation(FieldErrors),
    /// Missing, another user's or another organization's: all the same.
    #[error("not found")]
    NotFound,
    /// A stored secret does not open (only when the plaintext itself is asked for).
    #[error("credential secrets do not open")]
    Undecryptable,
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for CredentialError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

impl From<SealError> for CredentialError {
    fn from(e: SealError) -> Self {
        Self::Internal(InternalError::Sealing(e))
    }
}

/// The start-up check: stored secrets name key versions the vault does not hold.
#[derive(Debug, Error)]
pub enum KeyVersionsError {
    #[error(
        "stored secrets (cloud credentials or webhook signing secrets) are sealed with vault key \
         version(s) {}, which are not configured: add those keys to `vault.keys` or the vault keys file (restore them from \
         backup); refusing to start rather than fail on every request",
        describe(.0)
    )]
    Missing(BTreeMap<u32, u64>),
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl From<RepoError> for KeyVersionsError {
    fn from(e: RepoError) -> Self {
        Self::Internal(InternalError::Storage(e))
    }
}

/// `1 (3 values), 4 (1 value)`.
fn describe(missing: &BTreeMap<u32, u64>) -> String {
    missing
        .iter()
        .map(|(version, count)| {
            let noun = if *count == 1 { "value" } else { "values" };
            format!("{version} ({count} {noun})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_versions_are_named() {
        let message = KeyVersionsError::Missing(BTreeMap::from([(1, 3), (4, 1)])).to_string();
        assert!(
            message.contains("version(s) 1 (3 values), 4 (1 value)"),
            "{message}"
        );
        assert!(message.contains("vault.keys"), "{message}");
    }
}
