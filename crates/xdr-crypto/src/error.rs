//! The one error type of this crate. Messages never contain key material or plaintext.

/// What can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// A key ring was built from no keys at all.
    #[error("key ring has no keys")]
    EmptyKeyRing,
    /// The active version named for a key ring is not one of its keys.
    #[error("active key version {0} is not in the key ring")]
    ActiveKeyMissing(u32),
    /// The same version was given twice when building a key ring.
    #[error("key version {0} is listed more than once")]
    DuplicateKeyVersion(u32),
    /// A key string is not valid base64 (standard or url-safe alphabet).
    #[error("key is not valid base64 (standard or url-safe alphabet)")]
    InvalidKeyEncoding,
    /// A key string decodes to the wrong number of bytes.
    #[error("key must decode to exactly {expected} bytes, but decodes to {actual}")]
    InvalidKeyLength {
        /// Bytes required ([`crate::KEY_LEN`]).
        expected: usize,
        /// Bytes found.
        actual: usize,
    },
    /// A sealed value names a key version the key ring does not hold.
    #[error("no key with version {0} in the key ring")]
    UnknownKeyVersion(u32),
    /// The AEAD refused to encrypt (only possible for absurdly large inputs).
    #[error("encryption failed")]
    Encryption,
    /// Authentication failed: wrong key, wrong associated data, or tampered data.
    /// Deliberately carries no detail.
    #[error("decryption failed")]
    Decryption,
    /// An encoded sealed value is not of the form `v1:<key_version>:<base64url>`.
    #[error("malformed sealed value")]
    Malformed,
    /// The operating system's random number generator failed.
    #[error("operating system random number generator failed")]
    Randomness,
}
