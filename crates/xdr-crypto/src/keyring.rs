//! The vault: versioned keys, sealing with the active one, opening with whichever a value names.
//!
//! Algorithm: XChaCha20-Poly1305 with a fresh random 192-bit nonce per seal (random nonces of this
//! size never collide in practice, so no counter state is needed). The AEAD's associated data is
//! `"v1" || key_version (4 bytes, big-endian) || caller's aad`, so the format version and key
//! version stored next to a ciphertext are authenticated along with it.

use std::collections::BTreeMap;
use std::fmt;

use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead, Payload};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::key::Key;
use crate::random::try_fill_random;
use crate::sealed::{NONCE_LEN, SEALED_PREFIX, Sealed};

/// Versioned vault keys, one of them active. `Debug` shows versions only.
#[derive(Clone)]
pub struct KeyRing {
    keys: BTreeMap<u32, Key>,
    active_version: u32,
}

impl KeyRing {
    /// A key ring of `keys`, sealing with the key numbered `active_version`.
    ///
    /// # Errors
    /// [`CryptoError::EmptyKeyRing`] if `keys` is empty, [`CryptoError::DuplicateKeyVersion`] if a
    /// version appears twice, [`CryptoError::ActiveKeyMissing`] if `active_version` is not listed.
    pub fn new(
        keys: impl IntoIterator<Item = (u32, Key)>,
        active_version: u32,
    ) -> Result<Self, CryptoError> {
        let mut ring = BTreeMap::new();
        for (version, key) in keys {
            if ring.insert(version, key).is_some() {
                return Err(CryptoError::DuplicateKeyVersion(version));
            }
        }
        if ring.is_empty() {
            return Err(CryptoError::EmptyKeyRing);
        }
        if !ring.contains_key(&active_version) {
            return Err(CryptoError::ActiveKeyMissing(active_version));
        }
        Ok(Self {
            keys: ring,
            active_version,
        })
    }

    /// The version new values are sealed with.
    #[must_use]
    pub fn active_version(&self) -> u32 {
        self.active_version
    }

    /// All key versions, ascending.
    #[must_use]
    pub fn versions(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    /// `true` if the ring holds a key with this version.
    #[must_use]
    pub fn contains(&self, version: u32) -> bool {
        self.keys.contains_key(&version)
    }

    /// Encrypts and authenticates `plaintext`, bound to `aad`, with the active key.
    ///
    /// # Errors
    /// [`CryptoError::Randomness`] if no nonce can be drawn, [`CryptoError::Encryption`] if the
    /// plaintext is too large for the AEAD (about 256 GiB).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Sealed, CryptoError> {
        let key_version = self.active_version;
        let key = self.key(key_version)?;
        let mut nonce = [0u8; NONCE_LEN];
        try_fill_random(&mut nonce)?;
        let payload = Payload {
            msg: plaintext,
            aad: &bound_aad(key_version, aad),
        };
        let ciphertext = key
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), payload)
            .map_err(|_| CryptoError::Encryption)?;
        Ok(Sealed {
            key_version,
            nonce,
            ciphertext,
        })
    }

    /// Checks and decrypts `sealed` with the key its version names, given the same `aad` it was
    /// sealed with.
    ///
    /// # Errors
    /// [`CryptoError::UnknownKeyVersion`] if the ring has no such key; [`CryptoError::Decryption`]
    /// (with no further detail) if anything does not authenticate: wrong key, wrong associated
    /// data, or tampered nonce, version or ciphertext.
    pub fn open(&self, sealed: &Sealed, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = self.key(sealed.key_version)?;
        let payload = Payload {
            msg: &sealed.ciphertext,
            aad: &bound_aad(sealed.key_version, aad),
        };
        key.cipher()
            .decrypt(XNonce::from_slice(&sealed.nonce), payload)
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Decryption)
    }

    /// `true` if `sealed` was sealed with a key other than the active one (rotation pending).
    #[must_use]
    pub fn needs_reseal(&self, sealed: &Sealed) -> bool {
        sealed.key_version != self.active_version
    }

    /// Opens `sealed` and seals its plaintext again with the active key, under the same `aad`
    /// (used to re-encrypt stored secrets after a key rotation).
    ///
    /// # Errors
    /// As [`KeyRing::open`] and [`KeyRing::seal`].
    pub fn reseal(&self, sealed: &Sealed, aad: &[u8]) -> Result<Sealed, CryptoError> {
        let plaintext = self.open(sealed, aad)?;
        self.seal(&plaintext, aad)
    }

    fn key(&self, version: u32) -> Result<&Key, CryptoError> {
        self.keys
            .get(&version)
            .ok_or(CryptoError::UnknownKeyVersion(version))
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("versions", &self.versions())
            .field("active_version", &self.active_version)
            .finish()
    }
}

/// The AEAD's associated data: format tag and key version (fixed length), then the caller's data.
fn bound_aad(key_version: u32, aad: &[u8]) -> Vec<u8> {
    let mut bound = Vec::with_capacity(SEALED_PREFIX.len() + 4 + aad.len());
    bound.extend_from_slice(SEALED_PREFIX.as_bytes());
    bound.extend_from_slice(&key_version.to_be_bytes());
    bound.extend_from_slice(aad);
    bound
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;
    use crate::associated_data::aad;
    use crate::sealed::TAG_LEN;

    const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn key(byte: u8) -> Key {
        Key::from_bytes([byte; 32])
    }

    fn ring(versions: &[u32], active: u32) -> KeyRing {
        KeyRing::new(versions.iter().map(|&v| (v, key(v as u8))), active).unwrap()
    }

    fn context() -> Vec<u8> {
        aad(&[("org", "org-1"), ("field", "secret_access_key")]).to_vec()
    }

    #[test]
    fn round_trip() {
        let ring = ring(&[1], 1);
        let sealed = ring.seal(SECRET, &context()).unwrap();
        assert_eq!(sealed.key_version, 1);
        assert_eq!(sealed.ciphertext.len(), SECRET.len() + TAG_LEN);
        assert_ne!(&sealed.ciphertext[..SECRET.len()], SECRET);
        assert_eq!(ring.open(&sealed, &context()).unwrap().as_slice(), SECRET);
    }

    #[test]
    fn round_trip_of_empty_and_large_plaintexts() {
        let ring = ring(&[1], 1);
        for plaintext in [Vec::new(), vec![0x5a; 100_000]] {
            let sealed = ring.seal(&plaintext, b"").unwrap();
            assert_eq!(*ring.open(&sealed, b"").unwrap(), plaintext);
        }
    }

    #[test]
    fn round_trip_through_text_encoding() {
        let ring = ring(&[1], 1);
        let encoded = ring.seal(SECRET, &context()).unwrap().encode();
        assert!(encoded.starts_with("v1:1:"));
        let decoded = Sealed::decode(&encoded).unwrap();
        assert_eq!(ring.open(&decoded, &context()).unwrap().as_slice(), SECRET);
    }

    #[test]
    fn nonce_differs_between_two_seals_of_the_same_plaintext() {
        let ring = ring(&[1], 1);
        let a = ring.seal(SECRET, &context()).unwrap();
        let b = ring.seal(SECRET, &context()).unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
    }

    #[test]
    fn tampered_ciphertext_fails() {
        let ring = ring(&[1], 1);
        let sealed = ring.seal(SECRET, &context()).unwrap();
        for i in [0, SECRET.len() / 2, sealed.ciphertext.len() - 1] {
            let mut tampered = sealed.clone();
            tampered.ciphertext[i] ^= 0x01;
            assert_eq!(
                ring.open(&tampered, &context()),
                Err(CryptoError::Decryption)
            );
        }
        let mut truncated = sealed.clone();
        truncated.ciphertext.pop();
        assert_eq!(
            ring.open(&truncated, &context()),
            Err(CryptoError::Decryption)
        );
        let mut extended = sealed.clone();
        extended.ciphertext.push(0);
        assert_eq!(
            ring.open(&extended, &context()),
            Err(CryptoError::Decryption)
        );
        let mut emptied = sealed;
        emptied.ciphertext.clear();
        assert_eq!(
            ring.open(&emptied, &context()),
            Err(CryptoError::Decryption)
        );
    }

    #[test]
    fn tampered_nonce_fails() {
        let ring = ring(&[1], 1);
        let mut sealed = ring.seal(SECRET, &context()).unwrap();
        sealed.nonce[23] ^= 0x80;
        assert_eq!(ring.open(&sealed, &context()), Err(CryptoError::Decryption));
    }

    #[test]
    fn tampered_version_fails() {
        let ring = ring(&[1, 2], 2);
        let mut sealed = ring.seal(SECRET, &context()).unwrap();
        sealed.key_version = 1;
        assert_eq!(ring.open(&sealed, &context()), Err(CryptoError::Decryption));
        sealed.key_version = 3;
        assert_eq!(
            ring.open(&sealed, &context()),
            Err(CryptoError::UnknownKeyVersion(3))
        );
    }

    #[test]
    fn version_is_authenticated_even_when_two_versions_share_a_key() {
        let ring = KeyRing::new([(1, key(9)), (2, key(9))], 2).unwrap();
        let mut sealed = ring.seal(SECRET, b"").unwrap();
        sealed.key_version = 1;
        assert_eq!(ring.open(&sealed, b""), Err(CryptoError::Decryption));
    }

    #[test]
    fn wrong_aad_fails() {
        let ring = ring(&[1], 1);
        let sealed = ring.seal(SECRET, &aad(&[("org", "org-1")])).unwrap();
        for wrong in [
            aad(&[("org", "org-2")]),
            aad(&[("org", "org-1"), ("field", "x")]),
            aad(&[]),
        ] {
            assert_eq!(ring.open(&sealed, &wrong), Err(CryptoError::Decryption));
        }
    }

    #[test]
    fn wrong_key_with_same_version_fails() {
        let sealed = ring(&[1], 1).seal(SECRET, b"").unwrap();
        let other = KeyRing::new([(1, key(42))], 1).unwrap();
        assert_eq!(other.open(&sealed, b""), Err(CryptoError::Decryption));
    }

    #[test]
    fn decryption_error_has_no_detail() {
        assert_eq!(CryptoError::Decryption.to_string(), "decryption failed");
    }

    #[test]
    fn ring_lacking_the_version_reports_unknown_key_version() {
        let sealed = ring(&[1, 2], 1).seal(SECRET, b"").unwrap();
        let newer = ring(&[2, 3], 3);
        assert_eq!(
            newer.open(&sealed, b""),
            Err(CryptoError::UnknownKeyVersion(1))
        );
    }

    #[test]
    fn rotation_opens_old_values_and_seals_with_the_new_key() {
        let old_ring = ring(&[1], 1);
        let old = old_ring.seal(SECRET, &context()).unwrap();

        let rotated = ring(&[1, 2], 2);
        assert_eq!(rotated.open(&old, &context()).unwrap().as_slice(), SECRET);
        let new = rotated.seal(SECRET, &context()).unwrap();
        assert_eq!(new.key_version, 2);
        assert_eq!(
            old_ring.open(&new, &context()),
            Err(CryptoError::UnknownKeyVersion(2))
        );

        assert!(rotated.needs_reseal(&old));
        assert!(!rotated.needs_reseal(&new));
        let resealed = rotated.reseal(&old, &context()).unwrap();
        assert_eq!(resealed.key_version, 2);
        assert_eq!(
            rotated.open(&resealed, &context()).unwrap().as_slice(),
            SECRET
        );
        assert_eq!(rotated.reseal(&old, b"other"), Err(CryptoError::Decryption));

        let retired = ring(&[2], 2);
        assert_eq!(
            retired.open(&resealed, &context()).unwrap().as_slice(),
            SECRET
        );
    }

    #[test]
    fn new_validates_its_input() {
        assert_eq!(
            KeyRing::new(Vec::new(), 1).unwrap_err(),
            CryptoError::EmptyKeyRing
        );
        assert_eq!(
            KeyRing::new([(1, key(1))], 2).unwrap_err(),
            CryptoError::ActiveKeyMissing(2)
        );
        assert_eq!(
            KeyRing::new([(1, key(1)), (1, key(2))], 1).unwrap_err(),
            CryptoError::DuplicateKeyVersion(1)
        );
    }

    #[test]
    fn accessors() {
        let ring = ring(&[3, 1, 2], 2);
        assert_eq!(ring.versions(), vec![1, 2, 3]);
        assert_eq!(ring.active_version(), 2);
        assert!(ring.contains(1) && ring.contains(3));
        assert!(!ring.contains(0) && !ring.contains(4));
    }

    #[test]
    fn debug_shows_versions_but_no_key_material() {
        let bytes = [0xfb; 32];
        let ring = KeyRing::new([(1, Key::from_bytes(bytes)), (2, key(7))], 2).unwrap();
        let debug = format!("{ring:?} {ring:#?}");
        assert!(debug.contains("versions: [1, 2]"), "{debug}");
        assert!(debug.contains("active_version: 2"), "{debug}");
        for needle in [
            STANDARD.encode(bytes),
            URL_SAFE_NO_PAD.encode(bytes),
            hex::encode(bytes),
            "251".to_owned(),
        ] {
            assert!(!debug.contains(&needle), "{debug}");
        }
    }
}
