//! Associated data: what a ciphertext is bound to (organization, user, record, field...).
//!
//! Encoding: for each `(name, value)` part in order, `len(name) || name || len(value) || value`,
//! lengths as 8-byte big-endian integers. Every part is length-prefixed, so two different lists of
//! parts never encode to the same bytes (`("ab", "c")` differs from `("a", "bc")`).

use std::ops::Deref;

/// Unambiguous bytes naming what a sealed value belongs to. Pass it as the `aad` argument of
/// [`crate::KeyRing::seal`] and [`crate::KeyRing::open`]; opening with different data fails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociatedData {
    bytes: Vec<u8>,
}

impl AssociatedData {
    /// No parts yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the part `name = value`.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.push_field(name.as_bytes());
        self.push_field(value.as_ref());
        self
    }

    /// The encoded bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn push_field(&mut self, field: &[u8]) {
        // usize is at most 64 bits on every target Rust supports, so this cannot truncate.
        let len = field.len() as u64;
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(field);
    }
}

/// Associated data from `(name, value)` parts, e.g.
/// `aad(&[("org", org_id), ("credential", id), ("field", "secret_access_key")])`.
#[must_use]
pub fn aad(parts: &[(&str, &str)]) -> AssociatedData {
    parts
        .iter()
        .fold(AssociatedData::new(), |data, (name, value)| {
            data.with(name, value)
        })
}

impl AsRef<[u8]> for AssociatedData {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl Deref for AssociatedData {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_is_length_prefixed() {
        let data = aad(&[("org", "ab")]);
        let mut expected = Vec::new();
        expected.extend_from_slice(&3u64.to_be_bytes());
        expected.extend_from_slice(b"org");
        expected.extend_from_slice(&2u64.to_be_bytes());
        expected.extend_from_slice(b"ab");
        assert_eq!(data.as_bytes(), expected.as_slice());
    }

    #[test]
    fn shifting_bytes_between_parts_changes_the_encoding() {
        assert_ne!(aad(&[("ab", "c")]), aad(&[("a", "bc")]));
        assert_ne!(
            aad(&[("org", "ab"), ("user", "c")]),
            aad(&[("org", "a"), ("user", "bc")])
        );
        assert_ne!(aad(&[("org", "a:b")]), aad(&[("org:a", "b")]));
        assert_ne!(aad(&[("k", "v"), ("", "")]), aad(&[("k", "v")]));
        assert_ne!(aad(&[("", "")]), aad(&[]));
    }

    #[test]
    fn order_matters() {
        assert_ne!(
            aad(&[("org", "1"), ("user", "2")]),
            aad(&[("user", "2"), ("org", "1")])
        );
    }

    #[test]
    fn builder_and_function_agree() {
        let built = AssociatedData::new()
            .with("org", "o-1")
            .with("user", String::from("u-2"))
            .with("field", b"secret_access_key");
        let listed = aad(&[
            ("org", "o-1"),
            ("user", "u-2"),
            ("field", "secret_access_key"),
        ]);
        assert_eq!(built, listed);
        assert_eq!(built.as_ref(), &*listed);
    }

    #[test]
    fn empty_list_is_empty_bytes() {
        assert!(aad(&[]).as_bytes().is_empty());
        assert_eq!(AssociatedData::new(), aad(&[]));
    }
}
