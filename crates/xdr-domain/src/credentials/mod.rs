//! The credential vault: cloud credentials that users keep so the product can act in their
//! accounts. Secrets are sealed field by field through the `Sealer` port, bound to their place
//! (organization, owner, credential, field); only the owner ever sees a credential.

mod aws;
mod credential;
mod fields;

pub use aws::{AwsAccessKeyId, AwsKeyError, AwsSecretAccessKey, AwsSessionToken};
pub use credential::{
    CREDENTIAL_BINDING_KIND, Credential, CredentialChanges, NewCredential, SealedLocation,
    SealedRecord, SealedSecrets, SecretField, UnknownSecretField, secret_binding,
};
pub use fields::{AwsAccountId, AwsRegion, CredentialFieldError, CredentialName, Provider};
