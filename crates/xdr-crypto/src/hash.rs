//! SHA-256 hashing.

use sha2::{Digest, Sha256};

/// SHA-256 of `data`.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-256 of `data` as 64 lower-case hex characters.
#[must_use]
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(sha256(data))
}

/// The stored form of an opaque token (refresh, invitation, enrollment): SHA-256 hex of its bytes.
///
/// Tokens carry 256 bits of randomness, so a plain (unsalted, fast) hash is enough: the hash lets
/// the server find and check a token without storing it.
#[must_use]
pub fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sha256_of_two_block_message() {
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn raw_and_hex_agree() {
        let raw = sha256(b"abc");
        assert_eq!(hex::encode(raw), sha256_hex(b"abc"));
        assert_eq!(raw[0], 0xba);
    }

    #[test]
    fn hex_is_lower_case() {
        let h = sha256_hex(b"anything");
        assert_eq!(h.len(), 64);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
    }

    #[test]
    fn hash_token_is_sha256_hex_of_token_bytes() {
        assert_eq!(hash_token("abc"), sha256_hex(b"abc"));
        assert_ne!(hash_token("abc"), hash_token("abd"));
    }
}
