//! Secrets at rest, as the domain sees them: plaintext that is never printed and wiped on drop,
//! sealed values it cannot read, and the binding that ties a sealed value to its place.
//!
//! How values are sealed is the business of the [`crate::ports::Sealer`] port; the domain only
//! stores what it returns and says what each value is bound to.

use std::fmt;

use thiserror::Error;
use zeroize::Zeroize;

/// Secret text (an API secret, a session token). `Debug` prints `<redacted>`; wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The secret itself: hand it to whoever needs it, never to a log or a response.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Opened (decrypted) bytes. `Debug` prints their length only; wiped on drop.
#[derive(PartialEq, Eq)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as text, when they are UTF-8 (the copy is wiped on drop too).
    pub fn to_text(&self) -> Option<SecretText> {
        std::str::from_utf8(&self.0)
            .ok()
            .map(|text| SecretText::new(text.to_owned()))
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A sealed value in its stored text form, with the version of the key that sealed it.
/// Only a [`crate::ports::Sealer`] makes one (or storage, reading back what it stored).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    key_version: u32,
    encoded: String,
}

impl SealedSecret {
    pub fn new(key_version: u32, encoded: String) -> Self {
        Self {
            key_version,
            encoded,
        }
    }

    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// The stored text (opaque to the domain).
    pub fn as_str(&self) -> &str {
        &self.encoded
    }
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SealedSecret(key_version {}, {} chars)",
            self.key_version,
            self.encoded.len()
        )
    }
}

/// What a sealed value belongs to, as ordered `(name, value)` parts. Sealing binds the value to
/// them; opening with any other parts fails, so a value copied elsewhere does not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding(Vec<(&'static str, String)>);

impl Binding {
    /// A binding for values of `kind` (e.g. `cloud_credential`): the kind is always the first
    /// part, so values of different kinds never open in each other's place.
    pub fn new(kind: &str) -> Self {
        Self(vec![("kind", kind.to_owned())])
    }

    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.0.push((name, value.to_string()));
        self
    }

    pub fn parts(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(name, value)| (*name, value.as_str()))
    }
}

/// Why sealing or opening failed. Messages never contain plaintext or key material.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SealError {
    /// The value names a key version the sealer does not hold.
    #[error("sealed with key version {0}, which is not configured")]
    UnknownKeyVersion(u32),
    /// The stored text is not a sealed value (or disagrees with its recorded key version).
    #[error("malformed sealed value")]
    Malformed,
    /// Authentication failed: tampered, sealed with another key, or bound to another place.
    #[error("sealed value does not open (tampered, wrong key, or moved from its place)")]
    Undecryptable,
    /// Sealing itself failed (no randomness, absurd size).
    #[error("sealing failed: {0}")]
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_printed() {
        let text = SecretText::new("wJalrXUtnFEMI".into());
        let bytes = SecretBytes::new(b"wJalrXUtnFEMI".to_vec());
        let printed = format!("{text:?} {bytes:?} {:?}", bytes.to_text());
        assert!(!printed.contains("wJalr"), "{printed}");
        assert!(printed.contains("13 bytes"), "{printed}");
        assert_eq!(bytes.to_text().unwrap().expose(), "wJalrXUtnFEMI");
        assert_eq!(SecretBytes::new(vec![0xff]).to_text(), None);
    }

    #[test]
    fn sealed_debug_shows_version_not_content() {
        let sealed = SealedSecret::new(3, "v1:3:c2VjcmV0".into());
        let printed = format!("{sealed:?}");
        assert!(printed.contains("key_version 3"), "{printed}");
        assert!(!printed.contains("c2VjcmV0"), "{printed}");
        assert_eq!(sealed.as_str(), "v1:3:c2VjcmV0");
    }

    #[test]
    fn binding_starts_with_its_kind_and_keeps_order() {
        let binding = Binding::new("cloud_credential")
            .with("org", "o-1")
            .with("field", "secret");
        let parts: Vec<_> = binding.parts().collect();
        assert_eq!(
            parts,
            [
                ("kind", "cloud_credential"),
                ("org", "o-1"),
                ("field", "secret")
            ]
        );
        assert_ne!(binding, Binding::new("agent_secret").with("org", "o-1"));
    }
}
