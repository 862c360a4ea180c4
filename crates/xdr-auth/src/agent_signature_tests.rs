#![allow(clippy::unwrap_used)]

use super::*;

/// Computed independently (Python's hmac and hashlib) from the contract's description.
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
const EXPECTED: &str = "cac389e6da4c962f228dc96ded27976df91382a413f934ed17023e77247a1a36";
const PATH: &str = "/api/v1/agents/heartbeat";
const BODY: &[u8] = br#"{"status":"ok"}"#;
const NOW: i64 = 1_767_225_600;

fn nonce() -> String {
    "ab".repeat(16)
}

fn key() -> Zeroizing<Vec<u8>> {
    decode_secret(SECRET).unwrap()
}

fn request<'a>(timestamp: &'a str, nonce: &'a str, signature: &'a str) -> SignedRequest<'a> {
    SignedRequest {
        method: "POST",
        path_with_query: PATH,
        timestamp: Some(timestamp),
        nonce: Some(nonce),
        signature: Some(signature),
        body: BODY,
    }
}

#[test]
fn matches_the_contract_byte_for_byte() {
    let n = nonce();
    assert_eq!(sign(&key(), "POST", PATH, "1767225600", &n, BODY), EXPECTED);
    let verified = verify(&key(), &request("1767225600", &n, EXPECTED), NOW).unwrap();
    assert_eq!(verified.timestamp, NOW);
    assert_eq!(verified.nonce, n);
}

#[test]
fn any_changed_part_breaks_the_signature() {
    let n = nonce();
    let k = key();
    let good = request("1767225600", &n, EXPECTED);
    let other_nonce = "cd".repeat(16);
    let cases = [
        SignedRequest {
            method: "PUT",
            ..good
        },
        SignedRequest {
            path_with_query: "/api/v1/agents/heartbeat?x=1",
            ..good
        },
        SignedRequest {
            body: br#"{"status":"degraded"}"#,
            ..good
        },
        SignedRequest {
            nonce: Some(&other_nonce),
            ..good
        },
        SignedRequest {
            timestamp: Some("1767225601"),
            ..good
        },
    ];
    for case in cases {
        assert_eq!(verify(&k, &case, NOW), Err(SignatureError::Mismatch));
    }
    let mut forged = EXPECTED.to_owned();
    forged.replace_range(0..1, "d");
    assert_eq!(
        verify(&k, &request("1767225600", &n, &forged), NOW),
        Err(SignatureError::Mismatch)
    );
    let other_key = [7u8; 32];
    assert_eq!(
        verify(&other_key, &good, NOW),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn the_clock_may_be_off_by_300_seconds_either_way() {
    let n = nonce();
    let k = key();
    let good = request("1767225600", &n, EXPECTED);
    assert!(verify(&k, &good, NOW + 300).is_ok());
    assert!(verify(&k, &good, NOW - 300).is_ok());
    assert_eq!(
        verify(&k, &good, NOW + 301),
        Err(SignatureError::Skewed { skew: -301 })
    );
    assert_eq!(
        verify(&k, &good, NOW - 301),
        Err(SignatureError::Skewed { skew: 301 })
    );
}

#[test]
fn malformed_and_missing_headers_are_refused_before_the_tag() {
    let n = nonce();
    let k = key();
    let good = request("1767225600", &n, EXPECTED);
    assert_eq!(
        verify(
            &k,
            &SignedRequest {
                timestamp: None,
                ..good
            },
            NOW
        ),
        Err(SignatureError::Missing("X-Timestamp"))
    );
    assert_eq!(
        verify(
            &k,
            &SignedRequest {
                nonce: None,
                ..good
            },
            NOW
        ),
        Err(SignatureError::Missing("X-Nonce"))
    );
    assert_eq!(
        verify(
            &k,
            &SignedRequest {
                signature: None,
                ..good
            },
            NOW
        ),
        Err(SignatureError::Missing("X-Signature"))
    );
    for ts in [
        "",
        "+1767225600",
        "-5",
        "1767225600.0",
        " 1767225600",
        "9999999999999",
    ] {
        assert_eq!(
            verify(&k, &request(ts, &n, EXPECTED), NOW),
            Err(SignatureError::MalformedTimestamp),
            "{ts:?}"
        );
    }
    let short = "ab".repeat(15);
    let long = "ab".repeat(65);
    let odd = format!("{}a", "ab".repeat(16));
    let upper = "AB".repeat(16);
    for bad in [
        short.as_str(),
        long.as_str(),
        odd.as_str(),
        upper.as_str(),
        "zz",
    ] {
        assert_eq!(
            verify(&k, &request("1767225600", bad, EXPECTED), NOW),
            Err(SignatureError::MalformedNonce),
            "{bad:?}"
        );
    }
    let upper_sig = EXPECTED.to_uppercase();
    for bad in [&EXPECTED[..63], upper_sig.as_str(), ""] {
        assert_eq!(
            verify(&k, &request("1767225600", &n, bad), NOW),
            Err(SignatureError::MalformedSignature)
        );
    }
}

#[test]
fn secrets_are_32_bytes_of_unpadded_base64url() {
    assert!(decode_secret(SECRET).is_some());
    assert!(decode_secret(&format!("{SECRET}=")).is_none());
    assert!(decode_secret(&SECRET[..42]).is_none());
    assert!(decode_secret("not base64 at all!").is_none());
    assert!(decode_secret("").is_none());
}
