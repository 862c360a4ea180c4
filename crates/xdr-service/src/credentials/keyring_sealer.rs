//! The `Sealer` port over `xdr_crypto::KeyRing` (XChaCha20-Poly1305, versioned keys).

use std::fmt;

use xdr_crypto::{AssociatedData, CryptoError, KeyRing, Sealed};
use xdr_domain::ports::Sealer;
use xdr_domain::secrets::{Binding, SealError, SealedSecret, SecretBytes};

/// Seals with the ring's active key; opens with whichever version a value names. The binding's
/// parts become the AEAD's associated data.
#[derive(Clone)]
pub struct KeyRingSealer {
    ring: KeyRing,
}

impl KeyRingSealer {
    pub fn new(ring: KeyRing) -> Self {
        Self { ring }
    }
}

impl fmt::Debug for KeyRingSealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("KeyRingSealer").field(&self.ring).finish()
    }
}

fn associated_data(binding: &Binding) -> AssociatedData {
    binding
        .parts()
        .fold(AssociatedData::new(), |data, (name, value)| {
            data.with(name, value)
        })
}

fn seal_error(e: CryptoError) -> SealError {
    match e {
        CryptoError::UnknownKeyVersion(version) => SealError::UnknownKeyVersion(version),
        CryptoError::Decryption => SealError::Undecryptable,
        CryptoError::Malformed => SealError::Malformed,
        other => SealError::Failed(other.to_string()),
    }
}

impl Sealer for KeyRingSealer {
    fn seal(&self, plaintext: &[u8], binding: &Binding) -> Result<SealedSecret, SealError> {
        let sealed = self
            .ring
            .seal(plaintext, &associated_data(binding))
            .map_err(seal_error)?;
        Ok(SealedSecret::new(sealed.key_version, sealed.encode()))
    }

    fn open(&self, sealed: &SealedSecret, binding: &Binding) -> Result<SecretBytes, SealError> {
        let decoded = Sealed::decode(sealed.as_str()).map_err(seal_error)?;
        // The version stored beside the value (used to count and find values per key) must be
        // the one inside it, which the AEAD authenticates.
        if decoded.key_version != sealed.key_version() {
            return Err(SealError::Malformed);
        }
        let mut plaintext = self
            .ring
            .open(&decoded, &associated_data(binding))
            .map_err(seal_error)?;
        Ok(SecretBytes::new(std::mem::take(&mut *plaintext)))
    }

    fn active_version(&self) -> u32 {
        self.ring.active_version()
    }

    fn versions(&self) -> Vec<u32> {
        self.ring.versions()
    }
}

#[cfg(test)]
mod tests {
    use xdr_crypto::Key;

    use super::*;

    const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn sealer(versions: &[u32], active: u32) -> KeyRingSealer {
        let keys = versions
            .iter()
            .map(|&v| (v, Key::from_bytes([u8::try_from(v).unwrap(); 32])));
        KeyRingSealer::new(KeyRing::new(keys, active).unwrap())
    }

    fn binding(org: &str) -> Binding {
        Binding::new("cloud_credential")
            .with("org", org)
            .with("field", "secret_access_key")
    }

    #[test]
    fn round_trip_with_the_active_version() {
        let sealer = sealer(&[1, 2], 2);
        let sealed = sealer.seal(SECRET, &binding("o-1")).unwrap();
        assert_eq!(sealed.key_version(), 2);
        assert!(sealed.as_str().starts_with("v1:2:"));
        assert!(!sealer.needs_reseal(&sealed));
        let opened = sealer.open(&sealed, &binding("o-1")).unwrap();
        assert_eq!(opened.expose(), SECRET);
        assert_eq!(sealer.versions(), [1, 2]);
    }

    #[test]
    fn another_binding_does_not_open() {
        let sealer = sealer(&[1], 1);
        let sealed = sealer.seal(SECRET, &binding("o-1")).unwrap();
        assert_eq!(
            sealer.open(&sealed, &binding("o-2")),
            Err(SealError::Undecryptable)
        );
        let other_kind = Binding::new("agent_secret")
            .with("org", "o-1")
            .with("field", "secret_access_key");
        assert_eq!(
            sealer.open(&sealed, &other_kind),
            Err(SealError::Undecryptable)
        );
    }

    #[test]
    fn tampered_values_fail_closed() {
        let sealer = sealer(&[1, 2], 1);
        let sealed = sealer.seal(SECRET, &binding("o")).unwrap();
        let text = sealed.as_str();
        // A character inside the body (the last one may carry padding bits only).
        let at = text.len() - 10;
        let replacement = if &text[at..=at] == "A" { "B" } else { "A" };
        let flipped = format!("{}{replacement}{}", &text[..at], &text[at + 1..]);
        let cases = [
            (SealedSecret::new(1, flipped), SealError::Undecryptable),
            (SealedSecret::new(1, "garbage".into()), SealError::Malformed),
            // The stored version column disagrees with the value.
            (SealedSecret::new(2, text.to_owned()), SealError::Malformed),
            // The version inside the value was changed (and the column with it).
            (
                SealedSecret::new(2, text.replacen("v1:1:", "v1:2:", 1)),
                SealError::Undecryptable,
            ),
            (
                SealedSecret::new(9, text.replacen("v1:1:", "v1:9:", 1)),
                SealError::UnknownKeyVersion(9),
            ),
        ];
        for (tampered, expected) in cases {
            assert_eq!(sealer.open(&tampered, &binding("o")), Err(expected));
        }
    }

    #[test]
    fn rotation_opens_old_values_and_flags_them() {
        let old = sealer(&[1], 1).seal(SECRET, &binding("o")).unwrap();
        let rotated = sealer(&[1, 2], 2);
        assert!(rotated.needs_reseal(&old));
        assert_eq!(rotated.open(&old, &binding("o")).unwrap().expose(), SECRET);
        assert_eq!(
            sealer(&[2], 2).open(&old, &binding("o")),
            Err(SealError::UnknownKeyVersion(1))
        );
    }

    #[test]
    fn debug_shows_no_key_material() {
        let printed = format!("{:?}", sealer(&[7], 7));
        assert!(printed.contains("active_version: 7"), "{printed}");
        assert!(!printed.contains("[7, 7"), "{printed}");
    }
}
