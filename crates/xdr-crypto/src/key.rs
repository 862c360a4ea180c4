//! One 256-bit vault key.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chacha20poly1305::XChaCha20Poly1305;
use chacha20poly1305::aead::KeyInit;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::CryptoError;
use crate::random::fill_random;

/// Bytes in a vault key (256 bits).
pub const KEY_LEN: usize = 32;

/// Keys may be written with or without `=` padding.
const ANY_PADDING: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, ANY_PADDING);
const URL_SAFE_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, ANY_PADDING);

/// A 256-bit XChaCha20-Poly1305 key. Wiped from memory on drop; `Debug` never shows it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Key {
    bytes: [u8; KEY_LEN],
}

impl Key {
    /// A fresh key from the OS CSPRNG.
    ///
    /// # Panics
    /// Only if the operating system cannot supply randomness.
    #[must_use]
    pub fn generate() -> Self {
        let mut key = Self {
            bytes: [0; KEY_LEN],
        };
        fill_random(&mut key.bytes);
        key
    }

    /// A key from raw bytes. The caller should wipe its own copy.
    #[must_use]
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self { bytes }
    }

    /// A key from base64 text, standard (`+/`) or url-safe (`-_`) alphabet, padded or not.
    /// Surrounding whitespace (e.g. the newline at the end of a key file) is ignored.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKeyEncoding`] if the text is not base64,
    /// [`CryptoError::InvalidKeyLength`] if it does not decode to exactly [`KEY_LEN`] bytes.
    pub fn from_base64(encoded: &str) -> Result<Self, CryptoError> {
        let encoded = encoded.trim();
        // Decoded data is never longer than its encoding; the slack covers the engine's estimate.
        let mut buf = Zeroizing::new(vec![0u8; encoded.len() + 3]);
        let len = STANDARD_ANY_PADDING
            .decode_slice(encoded, &mut buf[..])
            .or_else(|_| URL_SAFE_ANY_PADDING.decode_slice(encoded, &mut buf[..]))
            .map_err(|_| CryptoError::InvalidKeyEncoding)?;
        if len != KEY_LEN {
            return Err(CryptoError::InvalidKeyLength {
                expected: KEY_LEN,
                actual: len,
            });
        }
        let mut key = Self {
            bytes: [0; KEY_LEN],
        };
        for (dst, src) in key.bytes.iter_mut().zip(buf.iter()) {
            *dst = *src;
        }
        Ok(key)
    }

    /// The key as standard padded base64 (for writing a generated key to configuration).
    #[must_use]
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes))
    }

    /// An AEAD instance for this key (it wipes its own copy of the key on drop).
    pub(crate) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.bytes).into())
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

    use super::*;

    /// Bytes chosen so that the encodings contain `+`, `/` (standard) and `-`, `_` (url-safe).
    fn sample_bytes() -> [u8; KEY_LEN] {
        let mut bytes = [0xfb; KEY_LEN];
        bytes[1] = 0xff;
        bytes[2] = 0xbf;
        bytes
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(Key::generate().bytes, Key::generate().bytes);
    }

    #[test]
    fn from_base64_accepts_all_four_spellings() {
        let bytes = sample_bytes();
        let standard = STANDARD.encode(bytes);
        assert!(standard.contains('+') || standard.contains('/'));
        let url = URL_SAFE.encode(bytes);
        assert!(url.contains('-') || url.contains('_'));
        for encoded in [
            standard,
            STANDARD_NO_PAD.encode(bytes),
            url,
            URL_SAFE_NO_PAD.encode(bytes),
        ] {
            assert_eq!(
                Key::from_base64(&encoded).unwrap().bytes,
                bytes,
                "{encoded}"
            );
        }
    }

    #[test]
    fn from_base64_ignores_surrounding_whitespace() {
        let encoded = format!("  {}\n", STANDARD.encode(sample_bytes()));
        assert_eq!(Key::from_base64(&encoded).unwrap().bytes, sample_bytes());
    }

    #[test]
    fn to_base64_round_trips() {
        let key = Key::generate();
        let encoded = key.to_base64();
        assert_eq!(Key::from_base64(&encoded).unwrap().bytes, key.bytes);
    }

    #[test]
    fn from_base64_rejects_wrong_lengths() {
        for len in [0usize, 1, 16, 31, 33, 64] {
            let encoded = STANDARD.encode(vec![7u8; len]);
            assert_eq!(
                Key::from_base64(&encoded).unwrap_err(),
                CryptoError::InvalidKeyLength {
                    expected: KEY_LEN,
                    actual: len
                },
                "length {len}"
            );
        }
    }

    #[test]
    fn from_base64_rejects_non_base64() {
        let mixed = format!("+_{}", &URL_SAFE_NO_PAD.encode([1u8; KEY_LEN])[2..]);
        for bad in ["not base64!", "****", "a", "abc=def", mixed.as_str()] {
            assert_eq!(
                Key::from_base64(bad).unwrap_err(),
                CryptoError::InvalidKeyEncoding,
                "{bad}"
            );
        }
    }

    #[test]
    fn length_error_names_the_problem() {
        let message = Key::from_base64(&STANDARD.encode([0u8; 16]))
            .unwrap_err()
            .to_string();
        assert!(message.contains("32"), "{message}");
        assert!(message.contains("16"), "{message}");
    }

    #[test]
    fn debug_shows_no_key_material() {
        let key = Key::from_bytes(sample_bytes());
        let debug = format!("{key:?} {key:#?}");
        assert_eq!(format!("{key:?}"), "Key(<redacted>)");
        for encoded in [
            STANDARD.encode(sample_bytes()),
            URL_SAFE_NO_PAD.encode(sample_bytes()),
            hex::encode(sample_bytes()),
        ] {
            assert!(!debug.contains(&encoded));
        }
        assert!(!debug.contains("251"));
    }
}
