//! Opaque random tokens (refresh, invitation, enrollment, agent secrets).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::hash::hash_token;
use crate::random::fill_random;

/// Random bytes in a token: 256 bits.
pub const TOKEN_BYTES: usize = 32;
/// Characters in a rendered token: unpadded base64url of [`TOKEN_BYTES`] bytes.
pub const TOKEN_LEN: usize = 43;

/// A secret string: wiped from memory on drop, never shown by `Debug`.
///
/// It has no `Display` and no `PartialEq` on purpose: it must be shown deliberately with
/// [`SecretToken::expose`], and compared with [`crate::constant_time_eq`] or by hash.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SecretToken(String);

impl SecretToken {
    /// The secret itself. Call only where it must leave the process (e.g. the one response that
    /// hands it to its owner).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The stored form of this token: [`hash_token`] of it.
    #[must_use]
    pub fn hash(&self) -> String {
        hash_token(&self.0)
    }
}

impl From<String> for SecretToken {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A fresh token: 256 bits from the OS CSPRNG as unpadded base64url ([`TOKEN_LEN`] characters,
/// alphabet `A-Z a-z 0-9 - _`).
///
/// # Panics
/// Only if the operating system cannot supply randomness.
#[must_use]
pub fn random_token() -> SecretToken {
    let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
    fill_random(bytes.as_mut_slice());
    SecretToken(URL_SAFE_NO_PAD.encode(bytes.as_slice()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn token_has_43_url_safe_characters_and_decodes_to_32_bytes() {
        for _ in 0..100 {
            let token = random_token();
            let s = token.expose();
            assert_eq!(s.len(), TOKEN_LEN);
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "unexpected character in {s}"
            );
            assert_eq!(URL_SAFE_NO_PAD.decode(s).unwrap().len(), TOKEN_BYTES);
        }
    }

    #[test]
    fn thousand_tokens_are_unique() {
        let tokens: HashSet<String> = (0..1000)
            .map(|_| random_token().expose().to_owned())
            .collect();
        assert_eq!(tokens.len(), 1000);
    }

    #[test]
    fn debug_is_redacted() {
        let token = random_token();
        let debug = format!("{token:?}");
        assert_eq!(debug, "<redacted>");
        assert!(!debug.contains(token.expose()));
        assert_eq!(
            format!("{:?}", SecretToken::from("hunter2".to_owned())),
            "<redacted>"
        );
        assert!(!format!("{:#?}", Some(token)).contains("hunter2"));
    }

    #[test]
    fn hash_is_hash_token_of_the_exposed_value() {
        let token = random_token();
        assert_eq!(token.hash(), hash_token(token.expose()));
        assert_eq!(token.hash().len(), 64);
    }

    #[test]
    fn from_string_keeps_the_value() {
        assert_eq!(SecretToken::from("abc".to_owned()).expose(), "abc");
    }
}
