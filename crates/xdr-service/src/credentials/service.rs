//! The credentials service: the ports it stands on and what its use cases return.

use std::fmt;
use std::sync::Arc;

use xdr_domain::credentials::{
    AwsAccessKeyId, AwsAccountId, AwsRegion, AwsSecretAccessKey, AwsSessionToken, Credential,
    SecretField, secret_binding,
};
use xdr_domain::ports::{CredentialRepository, Sealer};
use xdr_domain::secrets::{SealError, SealedSecret, SecretBytes};
use xdr_domain::{Clock, CredentialId, OrganizationId, UserId};

/// Whether a credential's stored secrets open with the configured keys and their bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialStatus {
    Ok,
    /// Tampered, sealed with a key that is not configured, or moved from its place. The error
    /// is logged; the credential is still listed so that its owner can delete or replace it.
    Undecryptable,
}

impl CredentialStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialStatus::Ok => "ok",
            CredentialStatus::Undecryptable => "undecryptable",
        }
    }
}

/// A credential and whether its secrets open.
#[derive(Debug, Clone)]
pub struct CheckedCredential {
    pub credential: Credential,
    pub status: CredentialStatus,
}

/// A page of the owner's credentials, newest first.
#[derive(Debug)]
pub struct CredentialPage {
    pub items: Vec<CheckedCredential>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// A credential's secrets in the clear, for the product to act in the cloud account. Never
/// printed (its secret fields redact themselves).
#[derive(Debug)]
pub struct RevealedCredential {
    pub id: CredentialId,
    pub access_key_id: AwsAccessKeyId,
    pub secret_access_key: AwsSecretAccessKey,
    pub session_token: Option<AwsSessionToken>,
    pub region: Option<AwsRegion>,
    pub account_id: Option<AwsAccountId>,
}

/// Users' cloud credentials: create, read, change, delete; re-seal after a key rotation.
/// Depends only on the repository and sealer ports.
pub struct CredentialService {
    pub(crate) repo: Arc<dyn CredentialRepository>,
    pub(crate) sealer: Arc<dyn Sealer>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl fmt::Debug for CredentialService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialService")
            .field("active_key_version", &self.sealer.active_version())
            .finish_non_exhaustive()
    }
}

impl CredentialService {
    pub fn new(
        repo: Arc<dyn CredentialRepository>,
        sealer: Arc<dyn Sealer>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repo,
            sealer,
            clock,
        }
    }

    /// Seals one secret of a credential, bound to its place.
    pub(crate) fn seal_field(
        &self,
        (org, owner, id): (OrganizationId, UserId, CredentialId),
        field: SecretField,
        plaintext: &str,
    ) -> Result<SealedSecret, SealError> {
        let binding = secret_binding(org, owner, id, field);
        self.sealer.seal(plaintext.as_bytes(), &binding)
    }
}

/// Opens every secret of `credential`: all of them, or the first failure (logged).
pub(crate) fn open_all(
    sealer: &dyn Sealer,
    credential: &Credential,
) -> Result<Vec<(SecretField, SecretBytes)>, SealError> {
    let missing = credential.secrets.missing_required();
    if let Some(field) = missing.first() {
        tracing::error!(
            credential_id = %credential.id,
            organization_id = %credential.organization_id,
            field = %field,
            "credential secret is missing from storage; reported as undecryptable"
        );
        return Err(SealError::Malformed);
    }
    let mut opened = Vec::new();
    for (field, sealed) in credential.secrets.iter() {
        let binding = secret_binding(
            credential.organization_id,
            credential.user_id,
            credential.id,
            field,
        );
        match sealer.open(sealed, &binding) {
            Ok(plaintext) => opened.push((field, plaintext)),
            Err(error) => {
                tracing::error!(
                    credential_id = %credential.id,
                    organization_id = %credential.organization_id,
                    field = %field,
                    key_version = sealed.key_version(),
                    error = %error,
                    "credential secret does not open; reported as undecryptable"
                );
                return Err(error);
            }
        }
    }
    Ok(opened)
}

/// Checks `credential`'s secrets open (the plaintext is wiped at once).
pub(crate) fn checked(sealer: &dyn Sealer, credential: Credential) -> CheckedCredential {
    let status = match open_all(sealer, &credential) {
        Ok(_) => CredentialStatus::Ok,
        Err(_) => CredentialStatus::Undecryptable,
    };
    CheckedCredential { credential, status }
}
