//! Small, audited cryptographic building blocks for Mini-XDR.
//!
//! - [`random_token`] / [`random_bytes`]: secrets from the operating system's CSPRNG.
//! - [`sha256`], [`sha256_hex`], [`hash_token`]: hashing (one-time and refresh tokens are stored hashed).
//! - [`hmac_sha256`], [`verify_hmac_sha256`]: message authentication (agent request signatures).
//! - [`constant_time_eq`]: comparison of secrets without a timing tell.
//! - [`KeyRing`], [`Key`], [`Sealed`], [`AssociatedData`]: the secrets-at-rest vault
//!   (XChaCha20-Poly1305 with versioned keys, ciphertexts bound to their owner by associated data).
//! - [`tls::client_config`]: rustls client settings (ring), trusting the system's roots or a CA bundle.
//!
//! The crate reads no environment variables and holds no global state: the binary builds a
//! [`KeyRing`] from its configuration and passes it down as a value.
//!
//! ```
//! use xdr_crypto::{Key, KeyRing, Sealed, aad};
//!
//! let ring = KeyRing::new([(1, Key::generate())], 1)?;
//! let bound_to = aad(&[("org", "org-1"), ("credential", "cred-9"), ("field", "secret_access_key")]);
//! let stored = ring.seal(b"s3cr3t", &bound_to)?.encode();
//!
//! let opened = ring.open(&Sealed::decode(&stored)?, &bound_to)?;
//! assert_eq!(opened.as_slice(), b"s3cr3t");
//! // The same ciphertext copied to another organization's row does not open.
//! let elsewhere = aad(&[("org", "org-2"), ("credential", "cred-9"), ("field", "secret_access_key")]);
//! assert!(ring.open(&Sealed::decode(&stored)?, &elsewhere).is_err());
//! # Ok::<(), xdr_crypto::CryptoError>(())
//! ```
#![warn(missing_docs)]

mod associated_data;
mod compare;
mod error;
mod hash;
mod hmac;
mod key;
mod keyring;
mod random;
mod sealed;
pub mod tls;
mod token;

pub use crate::associated_data::{AssociatedData, aad};
pub use crate::compare::constant_time_eq;
pub use crate::error::CryptoError;
pub use crate::hash::{hash_token, sha256, sha256_hex};
pub use crate::hmac::{HMAC_SHA256_LEN, hmac_sha256, hmac_sha256_hex, verify_hmac_sha256};
pub use crate::key::{KEY_LEN, Key};
pub use crate::keyring::KeyRing;
pub use crate::random::random_bytes;
pub use crate::sealed::{NONCE_LEN, SEALED_PREFIX, Sealed, TAG_LEN};
pub use crate::token::{SecretToken, TOKEN_BYTES, TOKEN_LEN, random_token};
pub use zeroize::Zeroizing;
