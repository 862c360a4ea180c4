//! A sealed (encrypted and authenticated) value and its text encoding.
//!
//! Encoding: `v1:<key_version>:<base64url(nonce || ciphertext)>`, where the ciphertext ends with the
//! 16-byte Poly1305 tag. Decoding is strict: one canonical spelling per value.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::CryptoError;

/// Format tag at the start of every encoded [`Sealed`].
pub const SEALED_PREFIX: &str = "v1";
/// Bytes in an XChaCha20-Poly1305 nonce (192 bits).
pub const NONCE_LEN: usize = 24;
/// Bytes in the Poly1305 authentication tag at the end of every ciphertext.
pub const TAG_LEN: usize = 16;

/// The output of [`crate::KeyRing::seal`]: everything needed to open it again except the key
/// and the associated data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// Version of the key that sealed it.
    pub key_version: u32,
    /// Random nonce, unique per seal.
    pub nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the authentication tag.
    pub ciphertext: Vec<u8>,
}

impl Sealed {
    /// `v1:<key_version>:<base64url(nonce || ciphertext)>` (unpadded base64url).
    #[must_use]
    pub fn encode(&self) -> String {
        let mut body = Vec::with_capacity(NONCE_LEN + self.ciphertext.len());
        body.extend_from_slice(&self.nonce);
        body.extend_from_slice(&self.ciphertext);
        format!(
            "{SEALED_PREFIX}:{}:{}",
            self.key_version,
            URL_SAFE_NO_PAD.encode(body)
        )
    }

    /// Parses the output of [`Sealed::encode`].
    ///
    /// # Errors
    /// [`CryptoError::Malformed`] for a wrong prefix, a version that is not a canonical decimal
    /// `u32`, invalid or padded base64url, extra fields, or a body too short to hold a nonce and tag.
    pub fn decode(encoded: &str) -> Result<Self, CryptoError> {
        let mut fields = encoded.split(':');
        let (Some(prefix), Some(version), Some(body), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(CryptoError::Malformed);
        };
        if prefix != SEALED_PREFIX {
            return Err(CryptoError::Malformed);
        }
        let key_version = parse_version(version)?;
        let body = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Malformed)?;
        if body.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = body
            .split_first_chunk::<NONCE_LEN>()
            .ok_or(CryptoError::Malformed)?;
        Ok(Self {
            key_version,
            nonce: *nonce,
            ciphertext: ciphertext.to_vec(),
        })
    }
}

/// A canonical decimal `u32`: digits only, no sign, no leading zeros.
fn parse_version(text: &str) -> Result<u32, CryptoError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(CryptoError::Malformed);
    }
    text.parse().map_err(|_| CryptoError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Sealed {
        Sealed {
            key_version: 7,
            nonce: [3; NONCE_LEN],
            ciphertext: (0..40).collect(),
        }
    }

    fn body_of(len: usize) -> String {
        URL_SAFE_NO_PAD.encode(vec![0xfe; len])
    }

    #[test]
    fn encode_has_the_documented_shape() {
        let encoded = sample().encode();
        let mut fields = encoded.split(':');
        assert_eq!(fields.next(), Some("v1"));
        assert_eq!(fields.next(), Some("7"));
        let body = URL_SAFE_NO_PAD.decode(fields.next().unwrap()).unwrap();
        assert_eq!(&body[..NONCE_LEN], &[3; NONCE_LEN]);
        assert_eq!(&body[NONCE_LEN..], sample().ciphertext.as_slice());
        assert_eq!(fields.next(), None);
    }

    #[test]
    fn encode_decode_round_trip() {
        for sealed in [
            sample(),
            Sealed {
                key_version: 0,
                nonce: [0; NONCE_LEN],
                ciphertext: vec![9; TAG_LEN],
            },
            Sealed {
                key_version: u32::MAX,
                nonce: [0xff; NONCE_LEN],
                ciphertext: vec![0xfb; 1000],
            },
        ] {
            assert_eq!(Sealed::decode(&sealed.encode()).unwrap(), sealed);
        }
    }

    #[test]
    fn decode_accepts_the_shortest_body() {
        let sealed = Sealed::decode(&format!("v1:1:{}", body_of(NONCE_LEN + TAG_LEN))).unwrap();
        assert_eq!(sealed.ciphertext.len(), TAG_LEN);
    }

    #[test]
    fn decode_rejects_malformed_inputs() {
        let good_body = body_of(NONCE_LEN + TAG_LEN + 5);
        let padded = URL_SAFE_NO_PAD.encode(vec![1u8; NONCE_LEN + TAG_LEN + 1]) + "==";
        let standard_alphabet = base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(vec![0xfb; NONCE_LEN + TAG_LEN + 3]);
        assert!(standard_alphabet.contains('+') || standard_alphabet.contains('/'));
        let cases = [
            String::new(),
            "v1".to_owned(),
            "v1:1".to_owned(),
            format!("v2:1:{good_body}"),
            format!("V1:1:{good_body}"),
            format!("v1::{good_body}"),
            format!("v1:x:{good_body}"),
            format!("v1:-1:{good_body}"),
            format!("v1:+1:{good_body}"),
            format!("v1:01:{good_body}"),
            format!("v1: 1:{good_body}"),
            format!("v1:4294967296:{good_body}"),
            format!("v1:1:{good_body}:extra"),
            format!("v1:1:{good_body} "),
            format!("v1:1:{good_body}!"),
            format!("v1:1:{padded}"),
            format!("v1:1:{standard_alphabet}"),
            "v1:1:".to_owned(),
            format!("v1:1:{}", body_of(NONCE_LEN)),
            format!("v1:1:{}", body_of(NONCE_LEN + TAG_LEN - 1)),
        ];
        for case in &cases {
            assert_eq!(
                Sealed::decode(case),
                Err(CryptoError::Malformed),
                "{case:?}"
            );
        }
    }
}
