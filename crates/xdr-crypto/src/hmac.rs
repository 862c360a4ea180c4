//! HMAC-SHA-256 (agent request signatures and other keyed checksums).

use ::hmac::digest::{Key as MacKey, KeyInit};
use ::hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

use crate::compare::constant_time_eq;
use crate::hash::sha256;

type HmacSha256 = Hmac<Sha256>;

/// Length in bytes of an HMAC-SHA-256 tag.
pub const HMAC_SHA256_LEN: usize = 32;

/// HMAC-SHA-256 of `msg` under `key` (any key length, as RFC 2104 allows).
#[must_use]
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; HMAC_SHA256_LEN] {
    let mut mac = keyed(key);
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA-256 of `msg` under `key`, as 64 lower-case hex characters.
#[must_use]
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    hex::encode(hmac_sha256(key, msg))
}

/// `true` if `tag` is the HMAC-SHA-256 of `msg` under `key`. Compared in constant time;
/// a tag of the wrong length is simply wrong.
#[must_use]
pub fn verify_hmac_sha256(key: &[u8], msg: &[u8], tag: &[u8]) -> bool {
    constant_time_eq(&hmac_sha256(key, msg), tag)
}

/// An HMAC instance keyed with `key`.
///
/// RFC 2104 first turns the key into one hash block: keys longer than a block are hashed, then the
/// key is padded with zeros. Doing that here lets us call the infallible `KeyInit::new` instead of
/// `new_from_slice`, whose `Result` can never be an error for HMAC but would need an `unwrap`.
fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = MacKey::<HmacSha256>::default();
    let mut hashed = [0u8; 32];
    let source: &[u8] = if key.len() > block.len() {
        hashed = sha256(key);
        &hashed
    } else {
        key
    };
    for (dst, src) in block.iter_mut().zip(source) {
        *dst = *src;
    }
    let mac = <HmacSha256 as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    hashed.zeroize();
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 section 4 test cases: (key, data, HMAC-SHA-256).
    fn rfc4231_vectors() -> Vec<(Vec<u8>, Vec<u8>, &'static str)> {
        vec![
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                (0x01..=0x19).collect(),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size \
                  data. The key needs to be hashed before being used by the HMAC algorithm."
                    .to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ]
    }

    #[test]
    fn rfc4231_test_vectors() {
        for (key, data, expected) in rfc4231_vectors() {
            assert_eq!(hmac_sha256_hex(&key, &data), expected);
            assert_eq!(hex::encode(hmac_sha256(&key, &data)), expected);
            assert!(verify_hmac_sha256(
                &key,
                &data,
                &hex::decode(expected).unwrap()
            ));
        }
    }

    #[test]
    fn rfc4231_truncated_test_case_5() {
        let tag = hmac_sha256(&[0x0c; 20], b"Test With Truncation");
        assert_eq!(hex::encode(&tag[..16]), "a3b6167473100ee06e0c796c2955552b");
    }

    #[test]
    fn agrees_with_new_from_slice_for_every_key_length_around_the_block_size() {
        for len in 0..=200 {
            let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut reference = <HmacSha256 as Mac>::new_from_slice(&key).unwrap();
            reference.update(b"message");
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(hmac_sha256(&key, b"message"), expected, "key length {len}");
        }
    }

    #[test]
    fn verify_rejects_wrong_tag_message_key_and_length() {
        let tag = hmac_sha256(b"key", b"msg");
        assert!(verify_hmac_sha256(b"key", b"msg", &tag));
        let mut flipped = tag;
        flipped[31] ^= 1;
        assert!(!verify_hmac_sha256(b"key", b"msg", &flipped));
        assert!(!verify_hmac_sha256(b"key", b"msg2", &tag));
        assert!(!verify_hmac_sha256(b"key2", b"msg", &tag));
        assert!(!verify_hmac_sha256(b"key", b"msg", &tag[..31]));
        assert!(!verify_hmac_sha256(b"key", b"msg", b""));
    }

    #[test]
    fn verify_expects_raw_bytes_not_hex() {
        let hex_tag = hmac_sha256_hex(b"key", b"msg");
        assert!(!verify_hmac_sha256(b"key", b"msg", hex_tag.as_bytes()));
    }
}
