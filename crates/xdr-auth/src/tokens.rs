//! Token pairs handed to clients.

use std::fmt;

use xdr_crypto::SecretToken;
use xdr_domain::identity::TokenHash;

/// An opaque 256-bit refresh token. Only its SHA-256 is stored.
pub struct RefreshToken(SecretToken);

impl RefreshToken {
    pub(crate) fn generate() -> Self {
        Self(xdr_crypto::random_token())
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub(crate) fn hash(&self) -> TokenHash {
        TokenHash::from_hex(xdr_crypto::hash_token(self.0.expose()))
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(<redacted>)")
    }
}

/// The token pair of docs/api.md ("Token pair, user and organization");
/// `token_type` is always `Bearer`.
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: RefreshToken,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenPair")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}
