//! Randomness from the operating system's CSPRNG, and nothing else.

use rand::RngCore;
use rand::rngs::OsRng;

use crate::error::CryptoError;

/// `N` bytes from the operating system's CSPRNG.
///
/// # Panics
/// Only if the operating system cannot supply randomness, in which case nothing secure can go on.
#[must_use]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    fill_random(&mut bytes);
    bytes
}

/// Fills `buf` from the operating system's CSPRNG (panics only if the OS has no randomness).
pub(crate) fn fill_random(buf: &mut [u8]) {
    OsRng.fill_bytes(buf);
}

/// Fills `buf` from the operating system's CSPRNG, reporting failure as an error.
pub(crate) fn try_fill_random(buf: &mut [u8]) -> Result<(), CryptoError> {
    OsRng
        .try_fill_bytes(buf)
        .map_err(|_| CryptoError::Randomness)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_differ_between_calls() {
        let a: [u8; 32] = random_bytes();
        let b: [u8; 32] = random_bytes();
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 32]);
    }

    #[test]
    fn random_bytes_of_any_length() {
        assert_eq!(random_bytes::<0>().len(), 0);
        assert_eq!(random_bytes::<7>().len(), 7);
        assert_eq!(random_bytes::<100>().len(), 100);
    }

    #[test]
    fn try_fill_random_fills() {
        let mut buf = [0u8; 24];
        try_fill_random(&mut buf).unwrap();
        assert_ne!(buf, [0u8; 24]);
    }
}
